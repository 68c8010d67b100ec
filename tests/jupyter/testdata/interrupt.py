"""Interrupts a long query through jupyter_client, as JupyterLab's stop button does.

Usage: python3 interrupt.py QUERY
Prints one JSON object: the interrupted reply's status and ename, how the kernel
process ended, and the result of a cell run after the interrupt.
"""
import json
import sys

from jupyter_client.manager import start_new_kernel

query = sys.argv[1]
km, kc = start_new_kernel(kernel_name="trailbook", startup_timeout=60)
process = km.provisioner.process  # shutdown forgets it
result = {}
try:
    msg_id = kc.execute(query)
    # Interrupt once the kernel has taken the cell up (execute_input is its echo).
    while True:
        msg = kc.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_input":
            break
    # interrupt_mode "message": jupyter_client sends interrupt_request on control.
    km.interrupt_kernel()
    while True:
        reply = kc.get_shell_msg(timeout=60)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    result["status"] = reply["content"]["status"]
    result["ename"] = reply["content"].get("ename")
    after = kc.execute_interactive("data record(x = 1)", timeout=60, output_hook=lambda m: None)
    result["after"] = after["content"]["status"]
finally:
    kc.stop_channels()
    # shutdown_request, then up to shutdown_wait_time for the process to exit on its
    # own before jupyter_client kills it.
    km.shutdown_kernel(now=False)
    result["returncode"] = process.poll()
print(json.dumps(result))
