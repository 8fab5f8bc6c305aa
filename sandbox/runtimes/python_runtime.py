"""Stand-in for Lambda's Python runtime: loads `module.function` from LAMBDA_TASK_ROOT and serves
invocations from the Runtime API (AWS_LAMBDA_RUNTIME_API). Standard library only."""

import http.client
import importlib
import json
import os
import sys
import time
import traceback


class RuntimeApi:
    def __init__(self, endpoint):
        host, port = endpoint.split(":")
        self.conn = http.client.HTTPConnection(host, int(port))

    def call(self, method, route, body=None, headers=None):
        data = None if body is None else body.encode("utf-8")
        all_headers = dict(headers or {})
        if data is not None:
            all_headers["Content-Type"] = "application/json"
        self.conn.request(method, "/2018-06-01/runtime/" + route, body=data, headers=all_headers)
        response = self.conn.getresponse()
        return response.status, response.headers, response.read().decode("utf-8")

    def post_error(self, route, document):
        body = json.dumps(document)
        self.call("POST", route, body, {"Lambda-Runtime-Function-Error-Type": document["errorType"]})


class InitError(Exception):
    def __init__(self, error_type, message):
        super().__init__(message)
        self.error_type = error_type


class LambdaContext:
    def __init__(self, headers):
        self.aws_request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        client_context = headers.get("Lambda-Runtime-Client-Context")
        identity = headers.get("Lambda-Runtime-Cognito-Identity")
        self.client_context = json.loads(client_context) if client_context else None
        self.identity = json.loads(identity) if identity else None
        self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms", "0"))

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))


def load_handler(task_root, handler):
    try:
        module_path, function_name = handler.rsplit(".", 1)
    except ValueError as error:
        raise InitError("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (handler, error))
    module_name = module_path.replace("/", ".")
    sys.path.insert(0, task_root)
    try:
        module = importlib.import_module(module_name)
    except SyntaxError as error:
        raise InitError("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (module_name, error))
    except ImportError as error:
        raise InitError("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (module_name, error))
    function = getattr(module, function_name, None)
    if not callable(function):
        raise InitError("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (function_name, module_name))
    return function


def error_document(error, error_type=None):
    own = os.path.abspath(__file__)
    user_frames = [f for f in traceback.extract_tb(error.__traceback__) if os.path.abspath(f.filename) != own]
    frames = traceback.format_list(user_frames)
    return {"errorMessage": str(error), "errorType": error_type or type(error).__name__, "stackTrace": frames}


def serve(api, handler):
    while True:
        status, headers, body = api.call("GET", "invocation/next")
        if status != 200:
            raise RuntimeError("Runtime API /next answered %d: %s" % (status, body))
        request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        try:
            result = handler(json.loads(body), LambdaContext(headers))
        except Exception as error:  # noqa: BLE001 - every handler error goes back to the caller
            traceback.print_exc()
            api.post_error("invocation/%s/error" % request_id, error_document(error))
            continue
        try:
            payload = json.dumps(result)
        except (TypeError, ValueError) as error:
            api.post_error("invocation/%s/error" % request_id, error_document(error, "Runtime.MarshalError"))
            continue
        api.call("POST", "invocation/%s/response" % request_id, payload)


def main():
    sys.stdout.reconfigure(line_buffering=True)
    sys.stderr.reconfigure(line_buffering=True)
    api = RuntimeApi(os.environ["AWS_LAMBDA_RUNTIME_API"])
    try:
        handler = load_handler(os.environ.get("LAMBDA_TASK_ROOT", os.getcwd()), os.environ.get("_HANDLER", ""))
    except InitError as error:
        print("[ERROR] %s: %s" % (error.error_type, error), file=sys.stderr)
        api.post_error("init/error", {"errorMessage": str(error), "errorType": error.error_type, "stackTrace": []})
        sys.exit(1)
    except Exception as error:  # noqa: BLE001 - module-level code of the function failed
        traceback.print_exc()
        api.post_error("init/error", error_document(error))
        sys.exit(1)
    serve(api, handler)


if __name__ == "__main__":
    main()
