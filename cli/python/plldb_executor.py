"""Runs a Lambda Python handler for `plldb debug`.

One executor is one execution environment of one function. Protocol: one JSON object per line.
Requests arrive on file descriptor 3, answers leave on file descriptor 4, so whatever the handler
prints (stdout, stderr, logging) cannot corrupt them. File descriptor 5 is a pipe plldb never
writes to: when it closes, plldb is gone (even killed), and the executor exits, busy or not.

  in:  {"id", "handler", "event": <value>, "context": {...}, "env": {...}}
  out: {"id", "ok": true, "response": "<JSON text>", "sources"?: {path: mtime_ns}}
       {"id", "ok": false, "errorType", "errorMessage", "stackTrace": [...], "sources"?: {...}}
  ("sources": the project's module files loaded since the last answer, for hot reload)

Usage: python3 plldb_executor.py --code DIR [--debugpy HOST:PORT --debugpy-path DIR]
"""

import argparse
import decimal
import importlib
import json
import os
import sys
import threading
import time
import traceback

REQUEST_FD = 3
ANSWER_FD = 4
LIFELINE_FD = 5


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


_reported_sources = set()


def new_sources(code_root):
    """The project's module files loaded and not reported yet, with their modification time (ns)."""
    found = {}
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if not path:
            continue
        path = os.path.abspath(path)
        if path in _reported_sources or not path.startswith(code_root + os.sep):
            continue
        try:
            found[path] = str(os.stat(path).st_mtime_ns)
        except OSError:
            continue
        _reported_sources.add(path)
    return found


def run(request):
    request_id = request.get("id")
    # Exactly the function's variables, as in its Lambda environment.
    os.environ.clear()
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


def listen_for_debugger(address, path):
    """Opens debugpy's port now, so the IDE can attach before the first invocation."""
    host, _, port = address.rpartition(":")
    # debugpy comes from where plldb found it at start; appended, so it shadows none of the project's modules.
    sys.path.append(path)
    try:
        import debugpy  # noqa: PLC0415 - only when asked for
    except ImportError:
        sys.stderr.write("plldb: --debugpy needs the debugpy package: %s -m pip install debugpy\n" % sys.executable)
        sys.exit(3)
    # In this process: the port lives and ends with the environment (a separate adapter process would outlive it, holding the port and this process's output pipes).
    debugpy.listen((host or "127.0.0.1", int(port)), in_process_debug_adapter=True)
    return debugpy


def exit_when_plldb_is_gone():
    try:
        while os.read(LIFELINE_FD, 1):
            pass
    except OSError:
        pass
    os._exit(0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--code", required=True)
    parser.add_argument("--debugpy")
    parser.add_argument("--debugpy-path")
    args = parser.parse_args()
    lifeline = threading.Thread(target=exit_when_plldb_is_gone, daemon=True)
    # Marked as debugpy's own: never traced nor suspended, so plldb's death ends the executor even at a breakpoint.
    lifeline.is_pydev_daemon_thread = True
    lifeline.start()
    code_root = os.path.abspath(args.code)
    sys.path.insert(0, code_root)
    debugger = listen_for_debugger(args.debugpy, args.debugpy_path) if args.debugpy else None
    requests = os.fdopen(REQUEST_FD, "r", encoding="utf-8")
    answers = os.fdopen(ANSWER_FD, "w", encoding="utf-8")
    for line in requests:
        if not line.strip():
            continue
        if debugger is not None:
            # The first invocation waits for the IDE, so a breakpoint in the handler's first run is hit.
            debugger.wait_for_client()
            debugger = None
        answer = run(json.loads(line))
        sources = new_sources(code_root)
        if sources:
            answer["sources"] = sources
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
