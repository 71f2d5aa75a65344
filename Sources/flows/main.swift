// The `flows` command: every flow of Flows/, compiled by the CallFlow build plugin.
import FlowsCommand

await FlowsMain.main(flows: GeneratedFlows.all)
