"""One module per report table, each a function of (connection, scope) returning rows."""
