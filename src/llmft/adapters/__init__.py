"""One module per outside thing, each implementing a port; only `llmft.app.bootstrap` names them."""
