// The flows of this folder, compiled by the build plugin: `GeneratedFlows.all`.
@_exported import CallFlowRuntime
