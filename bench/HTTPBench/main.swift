// The Swift side of the HTTP benchmarks, against servers on 127.0.0.1 (bench/http_speed.py):
//
//   callflow-http-bench PORT CALLS CONCURRENCY STATE
//     CALLS calls of the OneRequest flow, CONCURRENCY at a time. Prints requests per second
//     and the process's peak resident memory in KiB.
//   callflow-http-bench faults PORT SILENT_PORT CALLS STATE
//     CALLS calls of the Faulty flow, all at once; one in twenty gets a 500 and one in twenty
//     a server that never answers (SILENT_PORT). Prints the seconds taken, the calls that
//     ended as they should, those that did not, and the peak memory in KiB; exits 1 if any
//     call ended wrong.
//
//   callflow-http-bench admit STATE COUNT
//     COUNT rate-limit decisions one after another (a limit none reaches), on the store STATE.
//     Prints the median and the 99th percentile in microseconds.
//
// The request log is kept in the state store at STATE (a SQLite path or a redis:// URL), as
// `flows run` keeps it.
import CallFlowRuntime
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
let http = HTTPClient()

func flow(_ name: String) -> CompiledFlow {
    GeneratedFlows.all.first { $0.name == name }!
}

/// What one call is given: the server's port (a secret, as a host must not come from the caller)
/// and the path to ask for.
struct CallInput: Sendable {
    var variables = CallVariables()
    var secrets: [String: String]
}

func variables(port: String, path: String = "") -> CallInput {
    var input = CallInput(secrets: ["PORT": port])
    _ = input.variables.set("referenceid", path)
    return input
}

/// One call of `flow`; its result code.
@Sendable func oneCall(_ flow: CompiledFlow, _ input: CallInput, store: any StateStore,
                       observer: @escaping @Sendable (CallEvent) -> Void = { _ in }) async -> String {
    let call = Call(flow: flow.name, variables: input.variables, contact: ContactVariables(), secrets: input.secrets, caller: ScriptedDigits([]),
                    http: http, store: store, mailer: AlertMailer(serverURL: nil), observer: observer)
    let resultCode = await flow.run(on: call)
    await call.end(resultCode)
    return resultCode
}

/// Runs `count` calls, `concurrency` at a time, on the HTTP client's thread, as a process
/// serving many calls should. (Nonisolated: from the main actor, each call would hop there and
/// back.)
func runCalls(_ count: Int, concurrency: Int, _ body: @escaping @Sendable (Int) async -> Void) async {
    await withTaskExecutorPreference(http.executor) {
        await withTaskGroup(of: Void.self) { group in
            var begun = 0
            while begun < min(concurrency, count) {
                let index = begun
                group.addTask { await body(index) }
                begun += 1
            }
            for await _ in group where begun < count {
                let index = begun
                group.addTask { await body(index) }
                begun += 1
            }
        }
    }
}

func peakMemoryKiB() -> Int {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return usage.ru_maxrss
}

let clock = ContinuousClock()
if arguments.count == 4, arguments[1] == "admit", let count = Int(arguments[3]), count > 0 {
    let store = try StateLocation.open(arguments[2])
    let limit = RateLimit(count: Int.max, seconds: 1)
    var microseconds: [Double] = []
    for index in 0..<count {
        let started = clock.now
        _ = try await store.admit("Bench.Admit\(index % 16)", under: limit)
        microseconds.append(Double((clock.now - started) / .nanoseconds(1)) / 1000)
    }
    microseconds.sort()
    print(microseconds[count / 2], microseconds[min(count - 1, count * 99 / 100)])
    exit(0)
}
if arguments.count == 6, arguments[1] == "faults", let calls = Int(arguments[4]) {
    let (port, silentPort) = (arguments[2], arguments[3])
    let store = try StateLocation.open(arguments[5])
    let faulty = flow("Faulty")
    let wrong = Atomic<Int>(0)
    let started = clock.now
    await runCalls(calls, concurrency: calls) { index in
        let (callVariables, expected) = switch index % 20 {
        case 0: (variables(port: port, path: "fail"), "FAILED")
        case 10: (variables(port: silentPort, path: "value"), "FAILED")
        default: (variables(port: port, path: "value"), "FETCHED")
        }
        if await oneCall(faulty, callVariables, store: store) != expected { wrong.add(1, ordering: .relaxed) }
    }
    await store.flush()
    let seconds = Double((clock.now - started) / .microseconds(1)) / 1e6
    let wrongCount = wrong.load(ordering: .relaxed)
    print(seconds, calls - wrongCount, wrongCount, peakMemoryKiB())
    exit(wrongCount == 0 ? 0 : 1)
}

guard arguments.count == 5, let calls = Int(arguments[2]), let concurrency = Int(arguments[3]), concurrency > 0 else {
    print("usage: callflow-http-bench PORT CALLS CONCURRENCY STATE | faults PORT SILENT_PORT CALLS STATE | admit STATE COUNT")
    exit(64)
}
let store = try StateLocation.open(arguments[4])
let oneRequest = flow("OneRequest")
let callVariables = variables(port: arguments[1])
let failures = Atomic<Int>(0)
let started = clock.now
await runCalls(calls, concurrency: concurrency) { _ in
    _ = await oneCall(oneRequest, callVariables, store: store) { event in
        if case .request(let record) = event, record.error != nil { failures.add(1, ordering: .relaxed) }
    }
}
// The calls' time, without the log writes still queued behind them.
let seconds = Double((clock.now - started) / .microseconds(1)) / 1e6
await store.flush()
print(String(Double(calls) / seconds), peakMemoryKiB())
if failures.load(ordering: .relaxed) > 0 {
    print("\(failures.load(ordering: .relaxed)) requests failed")
    exit(1)
}
