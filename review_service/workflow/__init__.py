"""The contract workflow: state moves and who may make them, version comparison, and the POLICY.md measures."""
