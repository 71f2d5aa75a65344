// The Swift side of the HTTP benchmark (bench/http_speed.py): CALLS calls of the OneRequest
// flow in this process, CONCURRENCY at a time, against a server on 127.0.0.1:PORT, with the
// request log kept in the state database at STATE as `flows run` keeps it. Prints requests per
// second and the process's peak resident memory in KiB.
//
//   callflow-http-bench PORT CALLS CONCURRENCY STATE
import CallFlowRuntime
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
guard arguments.count == 5, let calls = Int(arguments[2]), let concurrency = Int(arguments[3]), concurrency > 0 else {
    print("usage: callflow-http-bench PORT CALLS CONCURRENCY STATE")
    exit(64)
}
let variables = {
    var variables = CallVariables()
    _ = variables.set("dnis", arguments[1])
    return variables
}()
let flow = GeneratedFlows.all[0]
let http = HTTPClient()
let store = try StateStore(path: arguments[4])
let failures = Atomic<Int>(0)

@Sendable func oneCall() async {
    let call = Call(flow: flow.name, variables: variables, contact: ContactVariables(), secrets: [:], digits: ScriptedDigits([]),
                    http: http, store: store, mailer: AlertMailer(serverURL: nil)) { event in
        if case .request(let record) = event, record.error != nil { failures.add(1, ordering: .relaxed) }
    }
    await call.end(await flow.run(on: call))
}

/// Runs the calls, `concurrency` at a time, on the HTTP client's thread, as a process serving
/// many calls should. (Nonisolated: from the main actor, each call would hop there and back.)
func runCalls() async {
    await withTaskExecutorPreference(http.executor) {
        await withTaskGroup(of: Void.self) { group in
            var begun = 0
            while begun < min(concurrency, calls) {
                group.addTask { await oneCall() }
                begun += 1
            }
            for await _ in group where begun < calls {
                group.addTask { await oneCall() }
                begun += 1
            }
        }
    }
}

let clock = ContinuousClock()
let started = clock.now
await runCalls()
await store.flush()
let seconds = Double((clock.now - started) / .microseconds(1)) / 1e6
var usage = rusage()
getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
print(String(Double(calls) / seconds), usage.ru_maxrss)
if failures.load(ordering: .relaxed) > 0 {
    print("\(failures.load(ordering: .relaxed)) requests failed")
    exit(1)
}
