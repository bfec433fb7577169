"""Features: what users do with built reports. Each uses the pipeline's public entry (`reportgen.pipeline`)
and the checks, never the pipeline's modules, and never another feature's internals."""
