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

Usage: python tools/moto-server.py -H 127.0.0.1 -p PORT (moto_server's arguments)
"""
from moto import server
from werkzeug import serving

_run_simple = serving.run_simple


def run_simple(*args, **kwargs):
    kwargs["threaded"] = False
    return _run_simple(*args, **kwargs)


server.run_simple = run_simple

if __name__ == "__main__":
    server.main()
