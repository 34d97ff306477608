#!/usr/bin/env python3
"""A stand-in for the Anthropic Messages API (`POST /v1/messages`, streamed as server-sent
events when asked), for Claude Code run with ANTHROPIC_BASE_URL pointing here.

The main conversation (the request that offers the `Bash` tool) gets the scripted model of
stand_in.py: one `Bash` tool call that does the task, then a closing message after its result.
Claude Code's side requests (titles, topic checks, token counts) get short sane answers.
Usage: anthropic_messages.py [--port-file PATH] [--log PATH] [--lifetime SECONDS]
"""

import itertools
import json
import sys

from stand_in import Handler, Task, serve

ids = itertools.count(1)


def texts(content):
    if isinstance(content, str):
        return [content]
    found = []
    for block in content or []:
        if block.get("type") == "text":
            found.append(block.get("text", ""))
        elif block.get("type") == "tool_result":
            inner = block.get("content")
            found.extend(texts(inner) if isinstance(inner, list) else [str(inner or "")])
    return found


def reply_for(body):
    """The content blocks and stop reason the scripted model answers `body` with."""
    messages = body.get("messages") or []
    tools = {tool.get("name") for tool in body.get("tools") or []}
    last = messages[-1] if messages else {}
    last_blocks = last.get("content") if isinstance(last.get("content"), list) else []
    # The latest request is the last user message with a task in it (a resumed session holds older ones).
    asked = [m for m in messages if m.get("role") == "user" and Task.find("\n".join(texts(m.get("content"))))]
    task = Task.find("\n".join(texts(asked[-1].get("content")))) if asked else None
    conversation = "\n".join(text for message in messages if message.get("role") == "user" for text in texts(message.get("content")))
    if "Bash" in tools:
        if any(block.get("type") == "tool_result" for block in last_blocks):
            return [{"type": "text", "text": f"Done: wrote {task.path}." if task else "Done."}], "end_turn"
        if task:
            command = {"command": task.command(), "description": f"Write {task.path}"}
            return [{"type": "tool_use", "id": f"toolu_{next(ids):06d}", "name": "Bash", "input": command}], "tool_use"
        return [{"type": "text", "text": "I found no task of the form 'write PATH: TEXT' in the prompt."}], "end_turn"
    # Side requests: a title, a topic check, a summary. JSON where JSON is asked for.
    system = json.dumps(body.get("system") or "")
    if "isNewTopic" in system or "isNewTopic" in conversation:
        return [{"type": "text", "text": '{"isNewTopic": false, "title": null}'}], "end_turn"
    return [{"type": "text", "text": "Stand-in task"}], "end_turn"


def usage(body, output_tokens):
    return {"input_tokens": max(1, len(json.dumps(body)) // 4), "output_tokens": output_tokens,
            "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}


class MessagesHandler(Handler):
    def answer(self, path, body):
        if path.endswith("/count_tokens"):
            return self.send_json({"input_tokens": max(1, len(json.dumps(body)) // 4)})
        if not path.endswith("/v1/messages"):
            return self.send_json({"type": "error", "error": {"type": "not_found_error", "message": f"no route {path}"}}, 404)
        blocks, stop = reply_for(body)
        output_tokens = max(1, len(json.dumps(blocks)) // 4)
        message = {"id": f"msg_{next(ids):06d}", "type": "message", "role": "assistant", "model": body.get("model", "stand-in"),
                   "content": blocks, "stop_reason": stop, "stop_sequence": None, "usage": usage(body, output_tokens)}
        if not body.get("stream"):
            return self.send_json(message)
        self.start_events()
        self.send_event("message_start", {"type": "message_start", "message": dict(message, content=[], stop_reason=None, usage=usage(body, 1))})
        for index, block in enumerate(blocks):
            if block["type"] == "text":
                self.send_event("content_block_start", {"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}})
                delta = {"type": "text_delta", "text": block["text"]}
            else:
                start = dict(block, input={})
                self.send_event("content_block_start", {"type": "content_block_start", "index": index, "content_block": start})
                delta = {"type": "input_json_delta", "partial_json": json.dumps(block["input"])}
            self.send_event("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta})
            self.send_event("content_block_stop", {"type": "content_block_stop", "index": index})
        self.send_event("message_delta", {"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
                                          "usage": {"output_tokens": output_tokens}})
        self.send_event("message_stop", {"type": "message_stop"})


if __name__ == "__main__":
    serve(MessagesHandler, sys.argv)
