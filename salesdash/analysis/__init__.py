"""One module per topic. Each builds ibis expressions (aggregated in the engine), pulls small results
into pandas, and exposes a ``summary(store, filters)`` with the page's headline figures, shared by the page
and ``python -m salesdash report``."""
