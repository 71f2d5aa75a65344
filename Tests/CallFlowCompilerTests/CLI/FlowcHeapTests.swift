import Foundation
import Testing

/// flowc marks its heap for transparent huge pages before it reads any flow (`HugePageHeap`).
/// Seen from outside, in the running process's memory map: flowc is given a named pipe as its
/// flow file, so it waits there, with its heap prepared, until the test writes the flow.
@Suite struct FlowcHeapTests {
    /// A mapping of /proc/PID/smaps: its addresses, its name and its `VmFlags`.
    struct Mapping {
        var range: Range<UInt>
        var name: String
        var flags: [Substring] = []
    }

    static func mappings(of pid: Int32) -> [Mapping] {
        // Read to the end: /proc files give no size.
        guard let file = FileHandle(forReadingAtPath: "/proc/\(pid)/smaps") else { return [] }
        defer { try? file.close() }
        let smaps = String(decoding: file.readDataToEndOfFile(), as: UTF8.self)
        var mappings: [Mapping] = []
        for line in smaps.split(separator: "\n") {
            if line.hasPrefix("VmFlags:"), !mappings.isEmpty {
                mappings[mappings.count - 1].flags = line.dropFirst("VmFlags:".count).split(separator: " ")
                continue
            }
            // "start-end perms offset device inode [name]"
            let fields = line.split(separator: " ")
            let bounds = fields.first?.split(separator: "-") ?? []
            guard fields.count >= 5, bounds.count == 2, let start = UInt(bounds[0], radix: 16), let end = UInt(bounds[1], radix: 16) else { continue }
            mappings.append(Mapping(range: start..<end, name: fields.count > 5 ? String(fields[5]) : ""))
        }
        return mappings
    }

    @Test(.timeLimit(.minutes(1))) func theHeapIsMarkedForHugePagesBeforeFlowsAreRead() async throws {
        // A kernel without transparent huge pages has nothing to mark.
        guard FileManager.default.fileExists(atPath: "/sys/kernel/mm/transparent_hugepage/enabled") else { return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flowc-heap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pipePath = folder.appendingPathComponent("Good.yaml").path
        try #require(mkfifo(pipePath, 0o600) == 0)

        let process = Process()
        process.executableURL = FlowcCheckTests.flowc
        process.arguments = ["check", pipePath]
        let errors = Pipe()
        process.standardError = errors
        try process.run()

        // flowc prepares its heap first thing, then blocks opening the pipe.
        var marked: [Mapping] = []
        let deadline = Date().addingTimeInterval(20)
        while marked.isEmpty, Date() < deadline {
            marked = Self.mappings(of: process.processIdentifier).filter { $0.name == "[heap]" && $0.flags.contains("hg") }
            if marked.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        }
        // Let flowc go on: the flow arrives through the pipe, and is checked as a file would be.
        // Opened without blocking, so that a flowc that never opens its end fails the test
        // rather than hanging it.
        var written = false
        while !written, process.isRunning, Date() < deadline {
            let descriptor = open(pipePath, O_WRONLY | O_NONBLOCK)
            guard descriptor >= 0 else {
                try await Task.sleep(for: .milliseconds(10))
                continue
            }
            let flow = Array(FlowcCheckTests.good.utf8)
            written = write(descriptor, flow, flow.count) == flow.count
            close(descriptor)
        }
        if !written { process.terminate() }
        let stderr = try await offThePool { [errors, process] in
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return text
        }

        let markedBytes = marked.reduce(0) { $0 + $1.range.count }
        #expect(markedBytes >= 28 << 20, "the heap's marked part: \(markedBytes) bytes")
        #expect(written)
        #expect(process.terminationStatus == 0)
        #expect(stderr == "flowc: checked 1 flow file: no problems\n")
    }
}
