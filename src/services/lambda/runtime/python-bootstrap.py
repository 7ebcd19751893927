# Nimbus runtime interface client for the python3.x runtimes, run with the machine's python3.
# It speaks the Lambda Runtime API at AWS_LAMBDA_RUNTIME_API as AWS's own Python client does:
# import the `module.function` named by _HANDLER, loop on /next, call the handler, post
# /response or /error, with AWS's error shape (errorMessage, errorType, requestId, stackTrace),
# context object and log format. It talks HTTP over a plain socket because http.client drags in
# ssl and email (tens of milliseconds of every cold start).
import json
import logging
import os
import socket
import sys
import time
import traceback

ERROR_LOG_LINE_TERMINATE = "\r"
ERROR_LOG_IDENT = "\u00a0"  # AWS indents traceback lines in the log with NO-BREAK SPACE
THIS_FILE = os.path.abspath(__file__)
# Only the python3.12 runtime's encoder keeps non-ASCII characters as they are.
ENSURE_ASCII = os.environ.get("AWS_EXECUTION_ENV") != "AWS_Lambda_python3.12"

_request_id = None


class FaultException(Exception):
    MARSHAL_ERROR = "Runtime.MarshalError"
    UNMARSHAL_ERROR = "Runtime.UnmarshalError"
    USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
    HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
    IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
    BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
    MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
    LAMBDA_CONTEXT_UNMARSHAL_ERROR = "Runtime.LambdaContextUnmarshalError"

    def __init__(self, exception_type, msg, trace=None):
        super().__init__(msg)
        self.msg = msg
        self.exception_type = exception_type
        self.trace = trace


def _default(obj):
    import decimal

    if isinstance(obj, decimal.Decimal):
        return int(obj) if obj == obj.to_integral_value() else float(obj)
    raise TypeError("Object of type %s is not JSON serializable" % type(obj).__name__)


def to_json(obj):
    return json.dumps(obj, default=_default, ensure_ascii=ENSURE_ASCII)


class RuntimeClient(object):
    """A minimal HTTP/1.1 keep-alive client for the Runtime API (always Content-Length framed)."""

    def __init__(self, address):
        host, _, port = address.rpartition(":")
        self.address = address
        self.host = host
        self.port = int(port)
        self.sock = None
        self.rfile = None

    def _connect(self):
        self.sock = socket.create_connection((self.host, self.port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.rfile = self.sock.makefile("rb")

    def request(self, method, path, body=b"", headers=None):
        if self.sock is None:
            self._connect()
        head = ["%s /2018-06-01/runtime%s HTTP/1.1" % (method, path), "Host: " + self.address]
        for key, value in (headers or {}).items():
            head.append("%s: %s" % (key, value))
        head.append("Content-Length: %d" % len(body))
        self.sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("utf-8") + body)
        status_line = self.rfile.readline()
        if not status_line:
            raise ConnectionError("the Runtime API closed the connection")
        status = int(status_line.split()[1])
        response_headers = {}
        while True:
            line = self.rfile.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            key, _, value = line.decode("utf-8", "replace").partition(":")
            response_headers[key.strip().lower()] = value.strip()
        length = int(response_headers.get("content-length", "0"))
        data = self.rfile.read(length) if length else b""
        if response_headers.get("connection", "").lower() == "close":
            self.sock.close()
            self.sock = None
        return status, response_headers, data

    def next(self):
        return self.request("GET", "/invocation/next")

    def post_result(self, invoke_id, payload, content_type):
        self.request("POST", "/invocation/%s/response" % invoke_id, payload, {"Content-Type": content_type})

    def post_error(self, invoke_id, error):
        self._post_error("/invocation/%s/error" % invoke_id, error)

    def post_init_error(self, error):
        self._post_error("/init/error", error)

    def _post_error(self, path, error):
        self.request(
            "POST",
            path,
            to_json(error).encode("utf-8"),
            {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": error["errorType"]},
        )


def make_error(error_message, error_type, stack_trace, invoke_id=None):
    return {
        "errorMessage": error_message if error_message else "",
        "errorType": error_type if error_type else "",
        "requestId": invoke_id if invoke_id is not None else "",
        "stackTrace": stack_trace if stack_trace else [],
    }


def user_frames(tb):
    frames = traceback.extract_tb(tb)
    for i, frame in enumerate(frames):
        if frame.filename != THIS_FILE:
            return frames[i:]
    return frames


def build_fault_result(exc_info, msg):
    etype, value, tb = exc_info
    return make_error(msg if msg else str(value), etype.__name__, traceback.format_list(user_frames(tb)))


def replace_line_indentation(line, indent_char, new_indent_char):
    count = len(line) - len(line.lstrip(indent_char))
    return (new_indent_char * count) + line[count:]


def log_error(error_result):
    description = "[ERROR]"
    if error_result.get("errorType"):
        description += " " + error_result["errorType"]
    if error_result.get("errorMessage"):
        if error_result.get("errorType"):
            description += ":"
        description += " " + error_result["errorMessage"]
    lines = [description]
    stack_trace = error_result.get("stackTrace")
    if stack_trace is not None:
        lines.append("Traceback (most recent call last):")
        for element in stack_trace:
            if element == "":
                lines.append("")
            else:
                for trace_line in element.splitlines():
                    lines.append(replace_line_indentation(trace_line, " ", ERROR_LOG_IDENT))
    sys.stdout.write(ERROR_LOG_LINE_TERMINATE.join(lines) + "\n")


class Unbuffered(object):
    def __init__(self, stream):
        self.stream = stream

    def __getattr__(self, attr):
        return getattr(self.stream, attr)

    def write(self, msg):
        self.stream.write(msg)
        self.stream.flush()

    def writelines(self, msgs):
        self.stream.writelines(msgs)
        self.stream.flush()


class LambdaLoggerHandler(logging.Handler):
    def emit(self, record):
        msg = self.format(record)
        # One record is one log event: inner newlines travel as \r (Nimbus restores them).
        body = msg[:-1] if msg.endswith("\n") else msg
        sys.stdout.write(body.replace("\n", "\r") + "\n")


class LambdaLoggerFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _request_id or ""
        return True


def setup_logging():
    logging.Formatter.converter = time.gmtime
    logger = logging.getLogger()
    handler = LambdaLoggerHandler()
    log_format = (os.environ.get("AWS_LAMBDA_LOG_FORMAT") or "").upper()
    if log_format == "JSON":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter(
                "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
                "%Y-%m-%dT%H:%M:%S",
            )
        )
    level = (os.environ.get("AWS_LAMBDA_LOG_LEVEL") or "").upper()
    if level in logging._nameToLevel:
        logger.setLevel(level)
    handler.addFilter(LambdaLoggerFilter())
    logger.addHandler(handler)


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created)),
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
            "requestId": getattr(record, "aws_request_id", ""),
        }
        if record.exc_info:
            etype, value, tb = record.exc_info
            entry["errorType"] = etype.__name__
            entry["errorMessage"] = str(value)
            entry["stackTrace"] = traceback.format_tb(tb)
        return to_json(entry)


def get_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException(FaultException.MALFORMED_HANDLER_NAME, "Bad handler '{}': {}".format(handler, str(e)))
    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise FaultException(
                FaultException.BUILT_IN_MODULE_CONFLICT,
                "Cannot use built-in module {} as a handler module".format(modname),
            )
        import importlib

        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise FaultException(FaultException.IMPORT_MODULE_ERROR, "Unable to import module '{}': {}".format(modname, str(e)))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise FaultException(
            FaultException.USER_CODE_SYNTAX_ERROR,
            "Syntax error in module '{}': {}".format(modname, str(e)),
            trace,
        )
    try:
        return getattr(module, fname)
    except AttributeError:
        raise FaultException(
            FaultException.HANDLER_NOT_FOUND,
            "Handler '{}' missing on module '{}'".format(fname, modname),
            None,
        )


class CognitoIdentity(object):
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]


class Client(object):
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"]


class ClientContext(object):
    __slots__ = ["custom", "env", "client"]


def make_obj_from_dict(cls, values):
    if values is None:
        return None
    obj = cls()
    for field in cls.__slots__:
        setattr(obj, field, values.get(field, None))
    return obj


class LambdaContext(object):
    def __init__(self, invoke_id, client_context, cognito_identity, deadline_ms, invoked_function_arn):
        self.aws_request_id = invoke_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.client_context = make_obj_from_dict(ClientContext, client_context)
        if self.client_context is not None:
            self.client_context.client = make_obj_from_dict(Client, self.client_context.client)
        self.identity = make_obj_from_dict(CognitoIdentity, {})
        if cognito_identity is not None:
            self.identity.cognito_identity_id = cognito_identity.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = cognito_identity.get("cognitoIdentityPoolId")
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        delta = self._deadline_ms - int(time.time() * 1000)
        return delta if delta > 0 else 0

    def log(self, msg):
        sys.stdout.write(str(msg))


def parse_json_header(value, name):
    try:
        return json.loads(value)
    except Exception as e:
        raise FaultException(
            FaultException.LAMBDA_CONTEXT_UNMARSHAL_ERROR, "Unable to parse {} JSON: {}".format(name, str(e)), None
        )


def handle_event(client, request_handler, invoke_id, body, headers):
    error_result = None
    try:
        client_context = headers.get("lambda-runtime-client-context")
        cognito_identity = headers.get("lambda-runtime-cognito-identity")
        context = LambdaContext(
            invoke_id,
            parse_json_header(client_context, "Client Context") if client_context else None,
            parse_json_header(cognito_identity, "Cognito Identity") if cognito_identity else None,
            int(headers.get("lambda-runtime-deadline-ms", "0")),
            headers.get("lambda-runtime-invoked-function-arn"),
        )
        try:
            event = json.loads(body)
        except Exception as e:
            raise FaultException(FaultException.UNMARSHAL_ERROR, "Unable to unmarshal input: {}".format(str(e)), None)
        response = request_handler(event, context)
        if isinstance(response, bytes):
            payload, content_type = response, "application/unknown"
        else:
            try:
                payload, content_type = to_json(response).encode("utf-8"), "application/json"
            except Exception as e:
                raise FaultException(FaultException.MARSHAL_ERROR, "Unable to marshal response: {}".format(str(e)), None)
    except FaultException as e:
        error_result = make_error(e.msg, e.exception_type, e.trace, invoke_id)
    except Exception:
        etype, value, tb = sys.exc_info()
        error_result = make_error(str(value), etype.__name__, traceback.format_list(user_frames(tb)), invoke_id)

    if error_result is not None:
        log_error(error_result)
        client.post_error(invoke_id, error_result)
    else:
        client.post_result(invoke_id, payload, content_type)


def watch_parent():
    # If Nimbus dies without ending this environment (kill -9), the runtime is re-parented:
    # leave too, whatever the handler is doing.
    import threading

    parent = os.getppid()

    def watch():
        while True:
            time.sleep(1)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="nimbus-parent-watch", daemon=True).start()


def main():
    global _request_id
    watch_parent()
    sys.stdout = Unbuffered(sys.stdout)
    sys.stderr = Unbuffered(sys.stderr)
    # The runtime's own directory must not shadow user modules; the code comes first.
    runtime_dir = os.path.dirname(THIS_FILE)
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != runtime_dir]
    task_root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    if task_root not in sys.path:
        sys.path.insert(0, task_root)

    client = RuntimeClient(os.environ["AWS_LAMBDA_RUNTIME_API"])
    try:
        setup_logging()
        request_handler = get_handler(os.environ.get("_HANDLER", ""))
    except Exception as e:
        if isinstance(e, FaultException):
            error_result = make_error(e.msg, e.exception_type, e.trace)
        else:
            error_result = build_fault_result(sys.exc_info(), None)
        log_error(error_result)
        client.post_init_error(error_result)
        sys.exit(1)

    while True:
        status, headers, body = client.next()
        if status != 200:
            raise ConnectionError("/next answered %d" % status)
        invoke_id = headers.get("lambda-runtime-aws-request-id")
        _request_id = invoke_id
        trace_id = headers.get("lambda-runtime-trace-id")
        if trace_id is not None:
            os.environ["_X_AMZN_TRACE_ID"] = trace_id
        elif "_X_AMZN_TRACE_ID" in os.environ:
            del os.environ["_X_AMZN_TRACE_ID"]
        handle_event(client, request_handler, invoke_id, body, headers)


if __name__ == "__main__":
    try:
        main()
    except (ConnectionError, OSError) as e:
        # Without a reachable Runtime API the environment is gone: never linger as an orphan.
        sys.stderr.write("Nimbus runtime: lost the Runtime API: %s\n" % e)
        sys.exit(1)
