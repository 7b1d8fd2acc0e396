"""A worker: PULLs tasks, adds up their numbers, and sends "<index>::<sum>" to the sink.

Start as many as you like: `python3 worker.py --index 0`, `python3 worker.py --index 1`, ...
"""
import zmq

from proto import RECEIVE_TIMEOUT_MS, RESULT_ADDR, TASK_ADDR, add_form_argument, decode, encode, parser_for


def start_worker(index, tasks_endpoint, results_endpoint, form):
    context = zmq.Context()
    tasks = context.socket(zmq.PULL)
    tasks.connect(tasks_endpoint)
    # Workers connect on both sides: the manager and the sink are the fixed points.
    results = context.socket(zmq.PUSH if form == "diagram" else zmq.PUB)
    results.connect(results_endpoint)
    tasks.setsockopt(zmq.RCVTIMEO, RECEIVE_TIMEOUT_MS)
    done = 0
    try:
        while True:
            numbers = decode(tasks.recv())
            total = sum(numbers)
            # With PUB (the talk's code), this send is dropped if the sink's subscription has not
            # reached this worker yet: the "slow joiner". PUSH waits for the sink instead.
            results.send(encode([index, total]))
            done += 1
    except zmq.Again:
        print("worker", index, ": no task for", RECEIVE_TIMEOUT_MS, "ms after", done, "tasks; stopping")
    finally:
        tasks.close(linger=0)
        results.close(linger=1000)
        context.term()


if __name__ == "__main__":
    parser = parser_for("PULL tasks, sum them, send the results to the sink")
    parser.add_argument("--index", type=int, default=0, help="this worker's number, sent with each result")
    parser.add_argument("--tasks", default=TASK_ADDR, help="the manager's endpoint")
    parser.add_argument("--results", default=RESULT_ADDR, help="the sink's endpoint")
    add_form_argument(parser)
    args = parser.parse_args()
    start_worker(args.index, args.tasks, args.results, args.form)
