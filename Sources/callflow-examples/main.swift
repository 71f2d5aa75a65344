// The runner of this repository's example flows (`callflow-examples`): the `flows` command a
// user's package builds, with every flow of Flows/ compiled by the CallFlow build plugin.
import FlowsCommand

await FlowsMain.main(flows: GeneratedFlows.all, workflows: GeneratedFlows.workflows)
