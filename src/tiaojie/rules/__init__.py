"""Rule files: schema, loading, compiling to the engine, evaluation, checks."""
