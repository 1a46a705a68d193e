"""One error family for kg-news; the CLI turns these into ``Error: ...`` and exit 1."""


class KGError(Exception):
    """Base class of every error kg-news raises on purpose."""


class InputError(KGError):
    """An input file or row cannot be read or parsed."""


class QueryError(KGError):
    """A SPARQL query is missing, malformed or not allowed."""


class QueryTimeout(QueryError):
    """A query ran longer than the time limit and was stopped."""


class QueryTooLarge(QueryError):
    """A query's result has more rows than the limit."""


class PoolBusy(QueryError):
    """Every query worker stayed busy for longer than a query may wait."""


class StoreError(KGError):
    """The graph store cannot be opened, read or written."""


class EndpointError(KGError):
    """A SPARQL server cannot be reached, or answered a request with an error."""


class EndpointUnreachable(EndpointError):
    """A SPARQL server does not answer at all (refused, unknown host, reset)."""


class EndpointTimeout(EndpointError):
    """A SPARQL server gave no answer within the time limit."""


class EvalError(KGError):
    """Gold annotations cannot be read or matched."""
