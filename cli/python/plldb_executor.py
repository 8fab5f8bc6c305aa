"""Runs a Lambda Python handler for `plldb debug`.

Protocol: one JSON object per line. Requests arrive on file descriptor 3, answers leave on file
descriptor 4, so whatever the handler prints (stdout, stderr, logging) cannot corrupt them.

  in:  {"id", "handler", "event": <value>, "context": {...}, "env": {...}}
  out: {"id", "ok": true, "response": "<JSON text>"}
       {"id", "ok": false, "errorType", "errorMessage", "stackTrace": [...]}

Usage: python3 plldb_executor.py --code DIR [--debugpy HOST:PORT]
"""

import argparse
import decimal
import importlib
import json
import os
import sys
import time
import traceback

REQUEST_FD = 3
ANSWER_FD = 4


class LambdaContext:
    """The `context` argument, with the attributes and method of Lambda's Python runtime."""

    def __init__(self, data):
        self.function_name = data.get("functionName", "")
        self.function_version = data.get("functionVersion", "$LATEST")
        self.invoked_function_arn = data.get("invokedFunctionArn", "")
        self.memory_limit_in_mb = int(data.get("memoryLimitInMB") or 128)
        self.aws_request_id = data.get("awsRequestId", "")
        self.log_group_name = data.get("logGroupName", "")
        self.log_stream_name = data.get("logStreamName", "")
        self.identity = data.get("identity")
        self.client_context = data.get("clientContext")
        self.tenant_id = data.get("tenantId")
        self._deadline_ms = int(data.get("deadlineMs") or 0)

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))


class HandlerLoadError(Exception):
    def __init__(self, error_type, message):
        super().__init__(message)
        self.error_type = error_type


def _json_default(value):
    # As Lambda's runtime: Decimals (DynamoDB numbers) become numbers.
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError("Object of type %s is not JSON serializable" % type(value).__name__)


_handlers = {}


def load_handler(setting):
    if setting in _handlers:
        return _handlers[setting]
    module_path, _, name = setting.rpartition(".")
    if not module_path or not name:
        raise HandlerLoadError("Runtime.MalformedHandlerName", "Bad handler '%s': expected <module>.<function>" % setting)
    module_name = module_path.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        raise HandlerLoadError("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (module_name, err))
    except SyntaxError as err:
        raise HandlerLoadError("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (module_name, err))
    handler = getattr(module, name, None)
    if not callable(handler):
        raise HandlerLoadError("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (name, module_name))
    _handlers[setting] = handler
    return handler


def error_answer(request_id, err, tb_skip):
    if isinstance(err, HandlerLoadError):
        return {"id": request_id, "ok": False, "errorType": err.error_type, "errorMessage": str(err), "stackTrace": []}
    frames = traceback.extract_tb(err.__traceback__)[tb_skip:]
    return {
        "id": request_id,
        "ok": False,
        "errorType": type(err).__name__,
        "errorMessage": str(err),
        "stackTrace": traceback.format_list(frames),
    }


def run(request):
    request_id = request.get("id")
    os.environ.update(request.get("env") or {})
    try:
        handler = load_handler(request["handler"])
    except Exception as err:  # noqa: BLE001 - every failure becomes an answer
        return error_answer(request_id, err, 0)
    try:
        result = handler(request.get("event"), LambdaContext(request.get("context") or {}))
    except Exception as err:  # noqa: BLE001
        # Skip this function's own frame: the trace starts in the handler.
        return error_answer(request_id, err, 1)
    try:
        return {"id": request_id, "ok": True, "response": json.dumps(result, default=_json_default)}
    except (TypeError, ValueError) as err:
        return {"id": request_id, "ok": False, "errorType": "Runtime.MarshalError", "errorMessage": "Unable to marshal response: %s" % err, "stackTrace": []}


def wait_for_debugger(address):
    host, _, port = address.rpartition(":")
    try:
        import debugpy  # noqa: PLC0415 - only when asked for
    except ImportError:
        sys.stderr.write("plldb: --debugpy needs the debugpy package: pip install debugpy\n")
        sys.exit(3)
    debugpy.listen((host or "127.0.0.1", int(port)))
    sys.stderr.write("plldb: waiting for the debugger to attach on %s:%s (debugpy)\n" % (host or "127.0.0.1", port))
    sys.stderr.flush()
    debugpy.wait_for_client()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--code", required=True)
    parser.add_argument("--debugpy")
    args = parser.parse_args()
    sys.path.insert(0, os.path.abspath(args.code))
    if args.debugpy:
        wait_for_debugger(args.debugpy)
    requests = os.fdopen(REQUEST_FD, "r", encoding="utf-8")
    answers = os.fdopen(ANSWER_FD, "w", encoding="utf-8")
    for line in requests:
        if not line.strip():
            continue
        answer = run(json.loads(line))
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
