import CSQLite
import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The state of the `flows` processes of one machine, in one SQLite database in WAL mode: the
/// embedded default.
///
/// Every statement runs on the store's own serial queue, never on Swift's cooperative pool:
/// a write may wait (up to `busyTimeout`) for another process's transaction.
public final class SQLiteStateStore: StateStore, @unchecked Sendable {
    // The connection and its statements are used only on `queue`, which serializes every
    // access to them.
    private let database: OpaquePointer
    let queue = DispatchQueue(label: "callflow.state")
    /// Request-log entries waiting to be written: see `log(_:onFailure:)`.
    let pendingLog = PendingRequestLog()
    /// Prepared statements by their SQL; used only on `queue`.
    private var statements: [String: OpaquePointer] = [:]
    /// Where the database is.
    public let path: String
    public var location: String { path }

    private static let busyTimeoutMilliseconds: Int32 = 5_000

    /// Opens (creating when missing) the database at `path`, and its folder.
    public init(path: String) throws(StateStoreError) {
        self.path = path
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            Self.makeDirectories(String(path[..<slash]))
        }
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
        guard sqlite3_open_v2(path, &handle, flags, nil) == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(handle)
            throw StateStoreError("cannot open the state database \(path): \(message)")
        }
        database = handle
        sqlite3_busy_timeout(handle, Self.busyTimeoutMilliseconds)
        do {
            // Switching to WAL takes a lock that the busy handler does not always wait for.
            var attempts = 0
            while true {
                do {
                    try execute("PRAGMA journal_mode=WAL")
                    break
                } catch where attempts < 50 {
                    attempts += 1
                    usleep(20_000)
                }
            }
            try execute("PRAGMA synchronous=NORMAL")
            try transaction { store throws(StateStoreError) in
                try store.execute(Self.schema)
                try store.execute(Self.workflowSchema)
                try store.addMissingColumns()
            }
        } catch {
            sqlite3_close(handle)
            throw error
        }
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close(database)
    }

    private static let schema = """
        CREATE TABLE IF NOT EXISTS request_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            flow TEXT NOT NULL,
            element TEXT NOT NULL,
            started REAL NOT NULL,
            method TEXT NOT NULL,
            url TEXT NOT NULL,
            request_headers TEXT NOT NULL,
            request_body TEXT,
            status INTEGER NOT NULL,
            response_headers TEXT NOT NULL,
            response_body TEXT,
            attempts INTEGER NOT NULL,
            milliseconds INTEGER NOT NULL,
            error TEXT,
            alert TEXT
        );
        CREATE INDEX IF NOT EXISTS request_log_by_element ON request_log (flow, element, id);
        CREATE TABLE IF NOT EXISTS rate_limit (key TEXT NOT NULL, at REAL NOT NULL);
        CREATE INDEX IF NOT EXISTS rate_limit_by_key ON rate_limit (key, at);
        CREATE TABLE IF NOT EXISTS alert_sent (
            flow TEXT NOT NULL,
            element TEXT NOT NULL,
            at REAL NOT NULL,
            PRIMARY KEY (flow, element)
        );
        """

    /// Columns added after the first release, for databases made before them.
    private func addMissingColumns() throws(StateStoreError) {
        var columns: Set<String> = []
        try query("PRAGMA table_info(request_log)") { row in columns.insert(row.text(1) ?? "") }
        if !columns.contains("redirects") { try execute("ALTER TABLE request_log ADD COLUMN redirects TEXT") }
    }

    // MARK: - Running statements

    /// Runs `body` on the store's queue, off the cooperative pool, after writing the queued
    /// request log, so that `body` sees it.
    func run<T: Sendable>(_ body: @escaping @Sendable (SQLiteStateStore) throws(StateStoreError) -> T) async throws(StateStoreError) -> T {
        try await queue.perform { () throws(StateStoreError) in
            self.writeQueuedLog()
            return try body(self)
        }
    }

    /// Runs `body` in a write transaction that other processes wait for (`BEGIN IMMEDIATE`),
    /// so that a read and the write that depends on it are one step.
    func transaction<T>(_ body: (SQLiteStateStore) throws(StateStoreError) -> T) throws(StateStoreError) -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body(self)
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Runs SQL without parameters or rows.
    func execute(_ sql: String) throws(StateStoreError) {
        guard sqlite3_exec(database, sql, nil, nil, nil) == SQLITE_OK else { throw failure(sql) }
    }

    /// Runs one statement with `parameters`, calling `row` for each result row. Statements are
    /// prepared once and kept: the same few run for every request.
    func query(_ sql: String, _ parameters: [SQLValue] = [], row: (Row) -> Void = { _ in }) throws(StateStoreError) {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (offset, parameter) in parameters.enumerated() {
            let index = Int32(offset + 1)
            switch parameter {
            case .integer(let value): sqlite3_bind_int64(statement, index, Int64(value))
            case .real(let value): sqlite3_bind_double(statement, index, value)
            case .text(let value): cf_sqlite_bind_text(statement, index, value, -1)
            case .null: sqlite3_bind_null(statement, index)
            }
        }
        while true {
            switch sqlite3_step(statement) {
            case SQLITE_ROW: row(Row(statement: statement))
            case SQLITE_DONE: return
            default: throw failure(sql)
            }
        }
    }

    /// The rows the last statement changed.
    func changes() -> Int { Int(sqlite3_changes(database)) }

    private func prepared(_ sql: String) throws(StateStoreError) -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(database, sql, -1, &statement, nil) == SQLITE_OK, let statement else { throw failure(sql) }
        statements[sql] = statement
        return statement
    }

    private func failure(_ sql: String) -> StateStoreError {
        let statement = sql.split(separator: " ").prefix(3).joined(separator: " ")
        return StateStoreError("state database \(path): \(String(cString: sqlite3_errmsg(database))) (in `\(statement) …`)")
    }

    /// A parameter of a statement.
    enum SQLValue {
        case integer(Int), real(Double), text(String), null

        static func optional(_ text: String?) -> SQLValue { text.map(SQLValue.text) ?? .null }
    }

    /// One result row, read by column index.
    struct Row {
        let statement: OpaquePointer

        func integer(_ column: Int32) -> Int { Int(sqlite3_column_int64(statement, column)) }
        func real(_ column: Int32) -> Double { sqlite3_column_double(statement, column) }
        func text(_ column: Int32) -> String? {
            guard let bytes = sqlite3_column_text(statement, column) else { return nil }
            return String(cString: bytes)
        }
    }

    // MARK: - Files

    private static func makeDirectories(_ path: String) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            mkdir(prefix, 0o755)
            prefix += "/"
        }
    }
}
