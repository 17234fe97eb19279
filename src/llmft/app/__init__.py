"""The public face and the imperative shell: client, tools, runtime, driver, composition root."""
