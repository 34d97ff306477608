/// Agent output as it arrives on a pseudo-terminal (CRLF line ends), modelled on the real CLIs'.
enum AgentOutputSamples {
    static let claudeSession = "9a1c6f1e-3b2d-4c5e-8f70-1a2b3c4d5e6f"

    static let claude = [
        #"{"type":"system","subtype":"init","cwd":"/w","session_id":"\#(claudeSession)","tools":["Bash","Edit","Write"],"model":"claude-sonnet-4-5-20250929","permissionMode":"bypassPermissions"}"#,
        "(node:4242) Warning: an unrelated warning on the terminal",
        #"{"type":"assistant","message":{"id":"msg_01A","type":"message","role":"assistant","content":[{"type":"text","text":"I'll add the file."}],"usage":{"input_tokens":3,"cache_creation_input_tokens":5000,"cache_read_input_tokens":12000,"output_tokens":1}},"session_id":"\#(claudeSession)"}"#,
        #"{"type":"assistant","message":{"id":"msg_01A","type":"message","role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"Write","input":{"file_path":"/w/a.txt","content":"héllo"}}],"usage":{"input_tokens":3,"cache_creation_input_tokens":5000,"cache_read_input_tokens":12000,"output_tokens":120}},"session_id":"\#(claudeSession)"}"#,
        #"{"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_1","type":"tool_result","content":"File created"}]},"session_id":"\#(claudeSession)"}"#,
        #"{"type":"assistant","message":{"id":"msg_01B","type":"message","role":"assistant","content":[{"type":"text","text":"Done: added a.txt ✅"}],"usage":{"input_tokens":8,"cache_creation_input_tokens":300,"cache_read_input_tokens":17000,"output_tokens":40}},"session_id":"\#(claudeSession)"}"#,
        #"{"type":"result","subtype":"success","is_error":false,"duration_ms":8123,"num_turns":3,"result":"Done: added a.txt ✅","session_id":"\#(claudeSession)","total_cost_usd":0.0123,"usage":{"input_tokens":11,"cache_creation_input_tokens":5300,"cache_read_input_tokens":29000,"output_tokens":160}}"#,
    ].map { $0 + "\r\n" }.joined()

    static let claudeMaxTurns = [
        #"{"type":"system","subtype":"init","session_id":"s-2"}"#,
        #"{"type":"result","subtype":"error_max_turns","is_error":true,"num_turns":10,"session_id":"s-2","total_cost_usd":0.5,"usage":{"input_tokens":100,"output_tokens":50}}"#,
    ].map { $0 + "\r\n" }.joined()

    static let codexThread = "0199a213-81c0-7800-8aa1-bbab2a035a53"

    static let codex = [
        "2025-10-01T12:00:00.000Z  WARN codex_core::config: an unrelated warning",
        #"{"type":"thread.started","thread_id":"\#(codexThread)"}"#,
        #"{"type":"turn.started"}"#,
        #"{"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"**Planning the change**"}}"#,
        #"{"type":"item.started","item":{"id":"item_1","type":"command_execution","command":"bash -lc ls","aggregated_output":"","exit_code":null,"status":"in_progress"}}"#,
        #"{"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"bash -lc ls","aggregated_output":"README.md\n","exit_code":0,"status":"completed"}}"#,
        #"{"type":"item.completed","item":{"id":"item_2","type":"file_change","changes":[{"path":"/w/a.txt","kind":"add"}],"status":"completed"}}"#,
        #"{"type":"item.completed","item":{"id":"item_3","type":"agent_message","text":"Added a.txt — done."}}"#,
        #"{"type":"turn.completed","usage":{"input_tokens":24763,"cached_input_tokens":24448,"output_tokens":122}}"#,
    ].map { $0 + "\r\n" }.joined()

    static let codexFailed = [
        #"{"type":"thread.started","thread_id":"t-3"}"#,
        #"{"type":"turn.started"}"#,
        #"{"type":"error","message":"stream disconnected before completion"}"#,
        #"{"type":"turn.failed","error":{"message":"stream disconnected before completion"}}"#,
    ].map { $0 + "\r\n" }.joined()

    static let aider = [
        "\u{1B}[1mAider v0.86.1\u{1B}[0m",
        "Main model: anthropic/claude-sonnet-4 with diff edit format, infinite output",
        "Git repo: .git with 42 files",
        "Repo-map: using 4096 tokens, auto refresh",
        "",
        "I'll create the file — héllo.",
        "",
        "a.txt",
        "<<<<<<< SEARCH",
        "=======",
        "hello",
        ">>>>>>> REPLACE",
        "",
        "\u{1B}[32mApplied edit to a.txt\u{1B}[0m",
        "Tokens: 4.5k sent, 1.2k cache write, 12k cache hit, 150 received. Cost: $0.0123 message, $0.0123 session.",
        "Fixing lint errors…",
        "Tokens: 2.0k sent, 80 received.",
        "Cost: $0.0070 message, $0.0193 session.",
    ].map { $0 + "\r\n" }.joined()
}
