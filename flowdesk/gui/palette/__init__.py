"""The command palette: fuzzy search over commands, workflows, tools, interfaces and recent runs."""
