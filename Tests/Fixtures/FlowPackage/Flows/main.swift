import FlowsCommand

await FlowsMain.main(flows: GeneratedFlows.all, workflows: GeneratedFlows.workflows)
