"""The manager (the talk's "ventilator"): cuts a range of numbers into tasks and PUSHes them out.

`python3 manager.py --count 20 --task-size 10` sends the tasks 0..9, 10..19, ... to the workers.
"""
import time

import zmq

from proto import TASK_ADDR, encode, parser_for


def start_manager(endpoint, count, task_size, wait_seconds):
    context = zmq.Context()
    tasks = context.socket(zmq.PUSH)
    # The manager is the stable end, so it binds; workers come and go and connect to it.
    tasks.bind(endpoint)
    # Hidden lesson 2: PUSH deals messages round-robin among the workers connected *right now*.
    # Send at once and the first worker to connect gets everything. Waiting a moment (or, better,
    # having the workers say they are ready) spreads the work.
    time.sleep(wait_seconds)
    numbers = list(range(count * task_size))
    idx = 0
    for _ in range(count):
        # Hidden lesson 3: the talk's manager never moves idx, so it sends the same first slice
        # every time. Advancing it is what makes the tasks cover the whole range.
        tasks.send(encode(numbers[idx:idx + task_size]))
        idx += task_size
    print("manager: sent", count, "tasks; the whole range adds up to", sum(numbers))
    tasks.close(linger=5000)
    context.term()


if __name__ == "__main__":
    parser = parser_for("PUSH tasks to the workers")
    parser.add_argument("--bind", default=TASK_ADDR)
    parser.add_argument("--count", type=int, default=20, help="tasks to send")
    parser.add_argument("--task-size", type=int, default=10, help="numbers per task")
    parser.add_argument("--wait", type=float, default=1.0, help="seconds to wait for workers to connect")
    args = parser.parse_args()
    start_manager(args.bind, args.count, args.task_size, args.wait)
