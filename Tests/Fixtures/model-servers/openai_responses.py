#!/usr/bin/env python3
"""A stand-in for the OpenAI Responses API (`POST /v1/responses`, streamed as server-sent
events), for the Codex CLI with a `model_providers` entry (`wire_api = "responses"`) whose
`base_url` points here.

The scripted model of stand_in.py: one call of whichever shell tool codex offers (`shell`,
`shell_command` or `exec_command`) that does the task, then a closing message once the call's
output is in the input. Usage: openai_responses.py [--port-file PATH] [--log PATH] [--lifetime SECONDS]
"""

import itertools
import json
import sys

from stand_in import Handler, Task, serve

ids = itertools.count(1)


def item_texts(item):
    content = item.get("content")
    if isinstance(content, str):
        return [content]
    return [part.get("text", "") for part in content or [] if isinstance(part, dict)]


def tool_call(task, tools):
    """The function call item for the shell tool codex offered, or None."""
    names = {tool.get("name") or tool.get("type") for tool in tools}
    command = task.command()
    call_id = f"call_{next(ids):06d}"
    if "shell_command" in names:
        return {"type": "function_call", "name": "shell_command", "arguments": json.dumps({"command": command}), "call_id": call_id}
    if "shell" in names:
        return {"type": "function_call", "name": "shell", "arguments": json.dumps({"command": ["bash", "-lc", command]}), "call_id": call_id}
    if "exec_command" in names:
        return {"type": "function_call", "name": "exec_command", "arguments": json.dumps({"cmd": command}), "call_id": call_id}
    if "local_shell" in names:
        return {"type": "local_shell_call", "call_id": call_id, "status": "completed",
                "action": {"type": "exec", "command": ["bash", "-lc", command]}}
    return None


def reply_for(body):
    items = body.get("input") or []
    if isinstance(items, str):
        items = [{"type": "message", "role": "user", "content": items}]
    # The latest request is the last user message with a task in it (a resumed thread holds older ones).
    asked = [index for index, item in enumerate(items) if item.get("role") == "user" and Task.find("\n".join(item_texts(item)))]
    task = Task.find("\n".join(item_texts(items[asked[-1]]))) if asked else None
    later = items[asked[-1] + 1:] if asked else items
    answered = any(item.get("type") in ("function_call_output", "local_shell_call_output", "custom_tool_call_output") for item in later)
    if task and not answered:
        call = tool_call(task, body.get("tools") or [])
        if call:
            return call
    text = (f"Done: wrote {task.path}." if task else "I found no task of the form 'write PATH: TEXT' in the prompt.") if answered or task is None else "No shell tool was offered."
    return {"type": "message", "role": "assistant", "id": f"msg_{next(ids):06d}", "status": "completed",
            "content": [{"type": "output_text", "text": text, "annotations": []}]}


class ResponsesHandler(Handler):
    def answer(self, path, body):
        if path.endswith("/models"):
            return self.send_json({"object": "list", "data": [], "models": []})
        if not path.endswith("/responses"):
            return self.send_json({"error": {"message": f"no route {path}", "type": "invalid_request_error"}}, 404)
        item = reply_for(body)
        response_id = f"resp_{next(ids):06d}"
        input_tokens = max(1, len(json.dumps(body)) // 4)
        output_tokens = max(1, len(json.dumps(item)) // 4)
        usage = {"input_tokens": input_tokens, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": output_tokens,
                 "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": input_tokens + output_tokens}
        response = {"id": response_id, "object": "response", "status": "completed", "model": body.get("model", "stand-in"),
                    "output": [item], "usage": usage}
        if not body.get("stream"):
            return self.send_json(response)
        self.start_events()
        self.send_event("response.created", {"type": "response.created", "response": dict(response, status="in_progress", output=[], usage=None)})
        self.send_event("response.output_item.added", {"type": "response.output_item.added", "output_index": 0, "item": item})
        if item["type"] == "message":
            text = item["content"][0]["text"]
            self.send_event("response.output_text.delta", {"type": "response.output_text.delta", "item_id": item["id"], "output_index": 0,
                                                           "content_index": 0, "delta": text})
        self.send_event("response.output_item.done", {"type": "response.output_item.done", "output_index": 0, "item": item})
        self.send_event("response.completed", {"type": "response.completed", "response": response})


if __name__ == "__main__":
    serve(ResponsesHandler, sys.argv)
