"""moto_server, answering one request at a time.

moto's own server runs werkzeug with threaded=True (moto/server.py), and its
backends hold no lock: two DynamoDB PutItem calls with the same
ConditionExpression can both pass the condition when a thread switch falls
between moto's check and its write (seen in our tests as two winners of one
conditional write). DynamoDB itself applies a conditional write atomically
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html),
and our state store relies on that. Served one at a time, every moto call is
atomic, as the real APIs are. Without threads werkzeug answers HTTP/1.0 and
closes each connection, so a client's keep-alive never holds the server.

It also spares each request two costs that answer nothing: moto looks its
host up in list_of_moto_modules() (moto/backends.py), which lists moto's
package folder and stats each of its ~200 entries, twice per request
(moto/moto_server/werkzeug_app.py get_backend_for_host), about a third of
moto's own time per call in our tests; the folder does not change while the
server runs, so it is listed once. And werkzeug logs a line for every request
to stderr, which our tests read only to explain a failed start: successful
requests are not logged (errors and other statuses still are).

It also keeps two answers moto works out again for every request though they
cannot change while the server runs (in a profile of our scaler's timeline
tests, about a tenth of the server's time and a fifth of its Python calls):
- the names of a response class's functions (method_names_from_class,
  moto/core/utils.py:76-78, called by BaseResponse.call_action,
  moto/core/responses.py:451, only to ask whether the action is one of them):
  inspect.getmembers of the class, which moto defines at import and never
  changes, is kept per class;
- the attribute names the serializer tries, in order, for each member of a
  response (XFormedAttributePicker.get_possible_keys,
  moto/core/serialize.py:1304-1333, with the alias providers of
  DEFAULT_ALIAS_PROVIDERS, :1461-1468): each provider reads only the member's
  name, its botocore shape (name, type, serialization traits) and the
  structure holding it (shape.parent, set by the serializer, :401; its name,
  type and members), the class of the object serialized (its name, and its
  class-level Meta.serialization_aliases, :1353-1364), and botocore's
  xform_name of a string. Shapes come from models that are never rebuilt or
  changed (get_service_model is functools.cache'd, moto/core/utils.py:449-453;
  operation_model is instance_cache'd, moto/core/model.py:116-120; members and
  output_shape are CachedProperty, moto/core/model.py:73-75 and
  botocore/model.py:608-609), so the list is kept on the shape, by class,
  parent and name. Objects whose attributes may not be their class's (an
  instance's own Meta, a __getattr__ or __getattribute__ written in Python, a
  __class__ that is not their type) are looked at every time, as moto does.

One server serves test file after test file (tools/jest/moto.cjs), reset by
POST /moto-api/reset in between. moto's own reset (MotoAPIBackend.reset,
moto/moto_api/_internal/models.py:15-21 at moto 5.2.5) forgets every
backend's resources (BackendDict.reset) and model instances, but keeps the
state transitions set through /moto-api/state-manager/set-transition
(StateManager._transitions, moto/moto_api/_internal/state_manager.py:9 and
:20-26) and /moto-api/config (default_user_config, moto/core/config.py:46,
changed in place by MotoAPIBackend.set_config, models.py:182-188), both set
by our tests (ECS tasks' transition, Lambda's use_docker): here reset forgets
those too, back to what they were when the server started. Still kept, and
set by none of our tests: /moto-api/reset-auth's count and /moto-api/seed's.

With --exit-with-stdin (our argument, not moto's) the server exits when its
standard input reaches its end: the process that started it closed its end of
the pipe, or died, even by SIGKILL (the kernel closes a dead process's files),
so a server shared by a jest worker never outlives the worker.

KONG_HYBRID_MOTO_RUSAGE=FILE appends, when the server exits, one line to FILE:
its pid, user and system CPU seconds, the number of requests it answered (a
figure to compare changes to this file by: CPU time, not wall time, on shared
cores), and how it ended: `stdin` when its starter had gone (nothing waits for
it, so no parent's CPU figure counts it), `signal` when stopped (its starter
waits for it and counts it).

Usage: python tools/moto-server.py [--exit-with-stdin] -H 127.0.0.1 -p PORT (moto_server's arguments)
"""
import atexit
import copy
import os
import resource
import signal
import sys
import threading
import time
import types

from moto import backends, server
from moto.core import responses as moto_responses
from moto.core import utils as moto_utils
from moto.core.config import default_user_config
from moto.core.serialize import DEFAULT_ALIAS_PROVIDERS, XFormedAttributePicker
from moto.moto_api import state_manager
from moto.moto_api._internal.models import MotoAPIBackend
from werkzeug import serving

_requests = 0

_run_simple = serving.run_simple


def run_simple(*args, **kwargs):
    kwargs["threaded"] = False
    return _run_simple(*args, **kwargs)


server.run_simple = run_simple

_moto_modules = tuple(backends.list_of_moto_modules())
backends.list_of_moto_modules = lambda: _moto_modules

_method_names = {}


def method_names_from_class(clazz):
    names = _method_names.get(clazz)
    if names is None:
        names = _method_names[clazz] = frozenset(moto_utils.method_names_from_class(clazz))
    return names


moto_responses.method_names_from_class = method_names_from_class

_possible_keys = XFormedAttributePicker.get_possible_keys
_plain_classes = {}


def _attributes_are_the_class(cls):
    """Whether an attribute an instance of cls has not set is its class's: no __getattr__, no __getattribute__ of Python's."""
    plain = _plain_classes.get(cls)
    if plain is None:
        plain = _plain_classes[cls] = not hasattr(cls, "__getattr__") and isinstance(
            cls.__getattribute__, types.WrapperDescriptorType
        )
    return plain


def get_possible_keys(self, context):
    shape, obj = context.shape, context.obj
    cls = type(obj)
    if (
        type(self) is not XFormedAttributePicker
        or self.alias_providers is not DEFAULT_ALIAS_PROVIDERS
        or shape is None
        or obj.__class__ is not cls
        or not _attributes_are_the_class(cls)
        or "Meta" in getattr(obj, "__dict__", ())
    ):
        return _possible_keys(self, context)
    kept = shape.__dict__.get("_kong_hybrid_possible_keys")
    if kept is None:
        kept = shape.__dict__["_kong_hybrid_possible_keys"] = {}
    which = (cls, getattr(shape, "parent", None), context.key)
    keys = kept.get(which)
    if keys is None:
        keys = kept[which] = tuple(_possible_keys(self, context))
    return keys


XFormedAttributePicker.get_possible_keys = get_possible_keys

_log_request = serving.WSGIRequestHandler.log_request


def log_request(self, code="-", size="-"):
    global _requests
    _requests += 1
    if not str(code).startswith("2"):
        _log_request(self, code, size)


serving.WSGIRequestHandler.log_request = log_request

_initial_config = copy.deepcopy(default_user_config)
_moto_reset = MotoAPIBackend.reset


def reset(self):
    _moto_reset(self)
    for model_name in list(state_manager._transitions):
        state_manager.unset_transition(model_name)
    default_user_config.clear()
    default_user_config.update(copy.deepcopy(_initial_config))


MotoAPIBackend.reset = reset


_ended_by = "signal"


def _exit_when_stdin_ends():
    global _ended_by
    while os.read(0, 65536):
        pass
    _ended_by = "stdin"
    # moto_server's own SIGTERM handler (moto/server.py:20-21, :64-68) exits
    # through sys.exit, so atexit handlers run; if it cannot, exit anyway.
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(5)
    os._exit(0)


def _record_rusage(file):
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with open(file, "a", encoding="utf-8") as out:
        out.write(f"{os.getpid()} {usage.ru_utime:.2f} {usage.ru_stime:.2f} {_requests} {_ended_by}\n")


if os.environ.get("KONG_HYBRID_MOTO_RUSAGE"):
    atexit.register(_record_rusage, os.environ["KONG_HYBRID_MOTO_RUSAGE"])

if __name__ == "__main__":
    if "--exit-with-stdin" in sys.argv:
        sys.argv.remove("--exit-with-stdin")
        threading.Thread(target=_exit_when_stdin_ends, daemon=True).start()
    server.main()
