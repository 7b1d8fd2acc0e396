"""What the manager, the workers and the sink agree on: where to meet and how messages look.

Messages are plain text, numbers joined by "::". A task is a run of numbers to add up
("0::1::2"); a result is "<worker index>::<sum>". Text keeps every message readable in the
inspector's Preview column.
"""
import argparse

TASK_ADDR = "tcp://127.0.0.1:5559"
RESULT_ADDR = "tcp://127.0.0.1:5560"

# Every receive waits at most this long, so a program whose peer never shows up ends with a
# message instead of hanging (the talk's versions block forever in that case).
RECEIVE_TIMEOUT_MS = 5000


def encode(numbers):
    return "::".join(str(n) for n in numbers).encode()


def decode(message):
    text = message.decode()
    return [int(part) for part in text.split("::")] if text else []


def add_form_argument(parser):
    # "diagram": results travel PUSH -> PULL as the talk's Push/Pull slide draws it; nothing is lost.
    # "code": results travel PUB -> SUB as the talk's code does; early results can be lost.
    parser.add_argument("--form", choices=["diagram", "code"], default="diagram")


def parser_for(description):
    return argparse.ArgumentParser(description=description)
