import FaultFlows
import Foundation
import Synchronization
import Testing
@testable import CallFlowRuntime

/// What only the Redis store has: its URL, and what a call sees while Redis is away or slow.
@Suite struct RedisStateStoreTests {
    @Test func urls() throws {
        let full = try RedisAddress(url: "redis://ops:p%40ss@redis.internal:6380/2")
        #expect(full == RedisAddress(host: "redis.internal", port: 6380, database: 2, user: "ops", password: "p@ss"))
        #expect(full.description == "redis://ops:***@redis.internal:6380/2")
        let plain = try RedisAddress(url: "redis://127.0.0.1")
        #expect(plain.description == "redis://127.0.0.1:6379/0")
        #expect(try RedisAddress(url: "redis://:secret@[::1]:7000").description == "redis://:***@[::1]:7000/0")
        let sentinels = try RedisAddress(url: "redis-sentinel://:p%40ss@10.0.0.2,10.0.0.3:26380,[::1]/2#callflow")
        #expect(sentinels == RedisAddress(server: .sentinel(master: "callflow", sentinels: [
            .init(host: "10.0.0.2", port: 26379), .init(host: "10.0.0.3", port: 26380), .init(host: "::1", port: 26379),
        ]), database: 2, password: "p@ss"))
        #expect(sentinels.description == "redis-sentinel://:***@10.0.0.2:26379,10.0.0.3:26380,[::1]:26379/2#callflow")
        for (url, message) in [
            ("rediss://cache:6379", "rediss://cache:6379: TLS (rediss://) is not supported: the hiredis of this system has none; keep Redis on a private network"),
            ("http://cache", "http://cache: not a redis:// or redis-sentinel:// URL"),
            ("redis-sentinel://10.0.0.2:26379/0", "redis-sentinel://10.0.0.2:26379/0: no master name after #, as in redis-sentinel://10.0.0.2:26379,10.0.0.3:26379/0#callflow"),
            ("redis-sentinel://10.0.0.2,/0#callflow", "redis-sentinel://10.0.0.2,/0#callflow: no host, as in redis-sentinel://10.0.0.2:26379/0#callflow"),
            ("redis-sentinel://10.0.0.2:0#callflow", "redis-sentinel://10.0.0.2:0#callflow: the port must be a number from 1 to 65535"),
            ("redis://cache:port", "redis://cache:port: the port must be a number from 1 to 65535"),
            ("redis://cache:6379/one", "redis://cache:6379/one: the database after / must be a number, such as /0"),
            ("redis://:pw@/0", "redis://:***@/0: no host, as in redis://127.0.0.1:6379/0"),
            ("redis://fd00::2:6379/0", "redis://fd00::2:6379/0: an IPv6 address goes in brackets, as in [fd00::2]:6379"),
            ("redis-sentinel://u:p%40ss@a:1,b:x/0#m", "redis-sentinel://u:***@a:1,b:x/0#m: the port must be a number from 1 to 65535"),
        ] {
            #expect { try RedisAddress(url: url) } throws: { "\($0)" == message }
        }
    }

    @Test func aPasswordAndADatabaseAreUsed() async throws {
        let redis = try await RedisServer()
        try await redis.command("CONFIG", "SET", "requirepass", "s3cret")
        let store = RedisStateStore(try RedisAddress(url: "redis://:s3cret@127.0.0.1:\(redis.port)/3"), decisionTimeout: .seconds(5))
        #expect(try await store.admit("Lead.GETAPI", under: RateLimit(count: 1, seconds: 60)))
        #expect(try await redis.command("-a", "s3cret", "--no-auth-warning", "-n", "3", "ZCARD", "callflow:rate:Lead.GETAPI") == "1")

        let reports = Reports()
        let wrong = RedisStateStore(try RedisAddress(url: "redis://:wrong@127.0.0.1:\(redis.port)/3"), report: reports.add)
        await #expect { try await wrong.admit("Lead.GETAPI", under: RateLimit(count: 1, seconds: 60)) } throws: {
            "\($0)" == "state store unavailable"
        }
        #expect(reports.all.count == 1 && reports.all[0].hasPrefix("state store redis://:***@127.0.0.1:\(redis.port)/3 unavailable: WRONGPASS"),
                "\(reports.all)")
    }

    /// A paused Redis takes connections and never answers: each decision gives up after the
    /// bound, later ones fail at once, alerts fall back to this process's own throttle, the log
    /// entries that could not be written are counted; and all comes back with Redis.
    @Test func aRedisThatDoesNotAnswerFailsClosedWithinItsBoundAndIsReconnected() async throws {
        let redis = try await RedisServer()
        let reports = Reports()
        // A bound of 3 s rather than the default 200 ms, so that on two busy cores (where a
        // test's next step may wait a second or two for a thread) the time a decision takes is
        // told from the time it waits.
        let store = RedisStateStore(redis.address, decisionTimeout: .seconds(3), report: reports.add)
        let limit = RateLimit(count: 100, seconds: 60)
        #expect(try await store.admit("Lead.GETAPI", under: limit))

        redis.pause()
        let clock = ContinuousClock()
        let started = clock.now
        await #expect { try await store.admit("Lead.GETAPI", under: limit) } throws: { "\($0)" == "state store unavailable" }
        let waited = clock.now - started
        #expect(waited >= .milliseconds(2990) && waited < .seconds(8), "\(waited)")
        let again = clock.now
        await #expect { try await store.admit("Lead.GETAPI", under: limit) } throws: { "\($0)" == "state store unavailable" }
        #expect(clock.now - again < .milliseconds(2500), "a second decision does not wait out the bound again")
        #expect(reports.all == ["state store \(redis.address) unavailable: no answer within 3000 ms"])

        #expect(try await store.reserveAlert(flow: "Lead", element: "GETAPI") == .reserved(previous: nil))
        if case .alreadySent = try await store.reserveAlert(flow: "Lead", element: "GETAPI") {} else {
            Issue.record("one alert an hour from this process while Redis is away")
        }
        let failures = Mutex(0)
        store.log(StateStoreTests().entry(1)) { _ in failures.withLock { $0 += 1 } }
        await store.flush()
        #expect(failures.withLock { $0 } == 1 && store.unwrittenLogEntries == 1)

        redis.resume()
        #expect(await eventually { (try? await store.admit("Lead.GETAPI", under: limit)) == true })
        #expect(reports.all.last == "state store \(redis.address) reachable again")
        #expect(await eventually { (try? await store.record(StateStoreTests().entry(2))) != nil })
        // (The entry that timed out may still have been written: the paused server had it.)
        #expect(try await store.requestLog(flow: "Lead", element: "GETAPI").first?.milliseconds == 2)
    }

    /// With Redis Sentinel, the store asks the Sentinels where the master is, on every new
    /// connection: one that is not there or never answers leaves time for the next; when the
    /// master dies, decisions fail closed until the Sentinel has promoted its replica, then go
    /// there by themselves. The servers ask for a password, as docs/scale.md sets them up; one
    /// Sentinel asks for it too, another does not.
    @Test func theMasterASentinelNamesIsUsedAndAFailoverIsFollowed() async throws {
        let master = try await RedisServer(password: "s3cret")
        let replica = try await RedisServer(["--replicaof", "127.0.0.1", String(master.port)], password: "s3cret")
        #expect(await eventually(within: 30) { try await master.command("INFO", "replication").contains("connected_slaves:1") })
        let sentinel = try await RedisServer(sentinelFor: master, name: "callflow", guarded: true)
        #expect(await eventually(within: 30) { try await sentinel.command("SENTINEL", "replicas", "callflow").contains(String(replica.port)) })
        let limit = RateLimit(count: 100, seconds: 60)

        // A replica refuses writes: the store says so and takes it as unavailable.
        let replicaReports = Reports()
        let onReplica = RedisStateStore(replica.address, decisionTimeout: .seconds(3), report: replicaReports.add)
        await #expect { try await onReplica.admit("Lead.GETAPI", under: limit) } throws: { "\($0)" == "state store unavailable" }
        #expect(replicaReports.all == ["state store \(replica.address) unavailable: 127.0.0.1:\(replica.port) is a read-only replica"])

        // The first Sentinel listed is not there, the second takes connections and never
        // answers (a paused process): it has half of the 6 s left, not all, and the third is
        // asked in time.
        let silent = try await RedisServer()
        silent.pause()
        let reports = Reports()
        let address = try RedisAddress(url: "redis-sentinel://:s3cret@127.0.0.1:\(ServeTests.freePorts(1)),127.0.0.1:\(silent.port),"
                                       + "127.0.0.1:\(sentinel.port)/0#callflow")
        let store = RedisStateStore(address, decisionTimeout: .seconds(6), report: reports.add)
        let clock = ContinuousClock()
        let started = clock.now
        #expect(try await store.admit("Lead.GETAPI", under: limit))
        #expect(clock.now - started < .seconds(5), "\(clock.now - started)")
        #expect(try await master.command("ZCARD", "callflow:rate:Lead.GETAPI") == "1")
        #expect(await eventually { try await replica.command("ZCARD", "callflow:rate:Lead.GETAPI") == "1" })
        #expect(reports.all.isEmpty)

        // A Sentinel without a password is content to be given one; one that knows no such
        // master says so.
        let other = try await RedisServer(password: "s3cret")
        let open = try await RedisServer(sentinelFor: other, name: "callflow")
        #expect(try await RedisStateStore(try RedisAddress(url: "redis-sentinel://:s3cret@127.0.0.1:\(open.port)/0#callflow"))
            .admit("Lead.GETAPI", under: limit))
        #expect(try await other.command("ZCARD", "callflow:rate:Lead.GETAPI") == "1")
        // A user that may not run ROLE (it is @dangerous) takes the Sentinel's word.
        try await other.command("ACL", "SETUSER", "limited", "on", ">pw", "~*", "+@all", "-@dangerous")
        #expect(try await RedisStateStore(try RedisAddress(url: "redis-sentinel://limited:pw@127.0.0.1:\(open.port)/0#callflow"))
            .admit("Lead.GETAPI", under: limit))
        #expect(try await other.command("ZCARD", "callflow:rate:Lead.GETAPI") == "2")
        let unknownReports = Reports()
        let unknown = try RedisAddress(url: "redis-sentinel://:s3cret@127.0.0.1:\(open.port)/0#nosuch")
        await #expect { try await RedisStateStore(unknown, report: unknownReports.add).admit("Lead.GETAPI", under: limit) } throws: {
            "\($0)" == "state store unavailable"
        }
        #expect(unknownReports.all == ["state store \(unknown) unavailable: Sentinel 127.0.0.1:\(open.port): knows no master named nosuch"])

        master.kill()
        #expect(await eventually(within: 60) { (try? await store.admit("Lead.GETAPI", under: limit)) == true })
        #expect(try await replica.command("ROLE").hasPrefix("master"))
        #expect(try await replica.command("ZCARD", "callflow:rate:Lead.GETAPI") == "2")
        #expect(reports.all.count == 2 && reports.all.first?.hasPrefix("state store \(address) unavailable: ") == true, "\(reports.all)")
        #expect(reports.all.last == "state store \(address) reachable again")
    }

    @Test func aRedisThatWasRestartedIsReconnected() async throws {
        let redis = try await RedisServer()
        let reports = Reports()
        let store = RedisStateStore(redis.address, decisionTimeout: .seconds(5), report: reports.add)
        let limit = RateLimit(count: 100, seconds: 60)
        #expect(try await store.admit("Lead.GETAPI", under: limit))
        redis.kill()
        await #expect { try await store.admit("Lead.GETAPI", under: limit) } throws: { "\($0)" == "state store unavailable" }
        // Refused at once, for the connection closed, not after the 5 s bound. (Told by what
        // Redis's connection said rather than by a time: on two busy cores a test's next step
        // can wait seconds for a thread.)
        #expect(reports.all.count == 1 && !reports.all[0].contains("no answer within"), "\(reports.all)")
        try await redis.start()
        #expect(await eventually { (try? await store.admit("Lead.GETAPI", under: limit)) == true })
    }

    /// A call whose request needs a rate-limit decision while Redis is away takes its failure
    /// exit with the error the issue names; nothing else about the call changes.
    @Test func aCallFailsClosedWhenTheLimitCannotBeChecked() async throws {
        let server = try await TestServer.start(script: TestServer.echoScript)
        let redis = try await RedisServer()
        let harness = CallHarness(store: RedisStateStore(redis.address, decisionTimeout: .seconds(5)))
        let limited = GeneratedFlows.all.first { $0.name == "Limited" }!
        let secrets = ["PORT": String(server.port)]
        #expect(await harness.run(limited, secrets: secrets).resultCode == "INBOUND")
        redis.kill()
        let refused = await harness.run(limited, secrets: secrets)
        #expect(refused.entered == ["Fetch", "Failed"] && refused.resultCode == "FAILED")
        #expect(refused.request?.error == "Rate Limit not checked: state store unavailable" && refused.request?.attempts == 0)
        #expect(refused.events.contains(.say(element: "Failed", text: "Failed: Rate Limit not checked: state store unavailable")))
    }

    final class Reports: Sendable {
        private let list = Mutex<[String]>([])
        var all: [String] { list.withLock { $0 } }
        func add(_ report: String) { list.withLock { $0.append(report) } }
    }
}
