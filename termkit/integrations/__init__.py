"""Where termkit meets other people's pipelines (pandas, Polars, Arrow,
spaCy, Dask, Spark): each integration is a module here, behind an optional
extra. The rest of termkit never imports this package, so that the core
installs and starts without any of them (a test holds it to that)."""
