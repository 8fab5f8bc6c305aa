"""Sample Python function for the PLLDB demo: `app.handler`.

Answers a greeting; raises when the event asks for it ({"fail": true}) to show an error answer;
{"pad": N} adds N characters to the result (to try large results).
"""

import platform


class GreetingError(Exception):
    pass


def handler(event, context):
    if isinstance(event, dict) and event.get("fail"):
        raise GreetingError("asked to fail (request %s)" % context.aws_request_id)
    name = event.get("name") if isinstance(event, dict) and isinstance(event.get("name"), str) else "world"
    result = {
        "message": "Hello, %s, from Python %s" % (name, platform.python_version()),
        "requestId": context.aws_request_id,
        "remainingMs": context.get_remaining_time_in_millis(),
    }
    pad = event.get("pad") if isinstance(event, dict) else None
    if isinstance(pad, int) and not isinstance(pad, bool):
        result["padding"] = "x" * pad
    return result
