import FlowsCommand

await FlowsMain.main(flows: GeneratedFlows.all)
