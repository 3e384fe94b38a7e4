"""Review: reading the clauses of a contract for the values a playbook position is judged on."""
