import CallFlowRuntime
import CallFlowSIP

extension WorkflowRunner {
    /// The runner of a process that takes calls (`flows run`, `flows serve`): none without
    /// workflows; else one with the local speech recognizer and, when the store is Redis, this
    /// machine's spool.
    static func forCalls(_ workflows: [CompiledWorkflow], store: any StateStore, http: HTTPClient,
                         report: @escaping @Sendable (WorkflowReport) -> Void) -> WorkflowRunner? {
        guard !workflows.isEmpty else { return nil }
        return WorkflowRunner(workflows: workflows, store: store, http: http, recognizer: PocketSphinxRecognizer(),
                              spool: spool(for: store) { printError("flows: warning: \($0)") }, report: report)
    }
}
