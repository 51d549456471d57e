// stands in for a bundled action
