%% Through OTP's own servers as a user meets them: io:format with unicode
%% to standard output, the file module (file server and raw files), filelib,
%% file:consult, os:cmd/1, os environment, code server queries, and a crash
%% report printed by the real logger.
-module(io_files).
-export([main/0]).

p(Tag, X) -> io:format("~p: ~p~n", [Tag, X]).

main() ->
    unicode_io(),
    Dir = "/tmp/beamvm_io_files_" ++ os:getpid(),
    ok = filelib:ensure_dir(Dir ++ "/"),
    try files(Dir) after os:cmd("rm -rf " ++ Dir) end,
    os_part(),
    code_part(),
    report(),
    ok.

unicode_io() ->
    io:format("~ts~n", [<<"héllo wörld ☃ 日本"/utf8>>]),
    io:format("~ts|~s~n", ["ünïcødé", "latin1 é"]),
    io:format("~tp~n", [["日本", <<"ß"/utf8>>, 'ätom']]),
    io:format("~p~n", [["日本", <<"ß"/utf8>>, 'ätom']]),
    io:format("~-10.3.*ts|~10ts|~n", [$_, "äbcdef", "ü"]),
    io:put_chars(<<"put_chars ✓\n"/utf8>>),
    io:put_chars(unicode:characters_to_binary("list 中文\n")),
    io:nl(),
    io:write({tuple, "x", 1.5}), io:nl(),
    p(printable_range, io:printable_range()),
    p(columns, io:columns()).

files(D) ->
    F = filename:join(D, "a.txt"),
    p(write_file, file:write_file(F, <<"line one\nline two\nÿ\n">>)),
    p(read_file, file:read_file(F)),
    p(size, filelib:file_size(F)),
    p(is_regular, filelib:is_regular(F)),
    {ok, Fd} = file:open(F, [read, binary]),
    p(read_line, file:read_line(Fd)),
    p(read_line2, file:read_line(Fd)),
    p(position, file:position(Fd, {bof, 5})),
    p(read, file:read(Fd, 3)),
    p(close, file:close(Fd)),
    {ok, W} = file:open(F, [append]),
    p(write, file:write(W, ["appended", $\n])),
    ok = file:close(W),
    p(after_append, file:read_file(F)),
    {ok, U} = file:open(filename:join(D, "u.txt"), [write, {encoding, utf8}]),
    io:format(U, "~ts~n", ["ünïcødé ☃"]),
    ok = file:close(U),
    p(utf8_file, file:read_file(filename:join(D, "u.txt"))),
    C = filename:join(D, "terms.config"),
    ok = file:write_file(C, "{a, 1}.\n[x, \"y\", <<\"z\">>].\n#{k => v}.\n"),
    p(consult, file:consult(C)),
    p(script, file:script(filename:join(D, "s.erl"))),
    ok = file:write_file(filename:join(D, "s.erl"), "X = 6, X * 7.\n"),
    p(script_ok, file:script(filename:join(D, "s.erl"))),
    p(make_dir, file:make_dir(filename:join(D, "sub"))),
    p(list_dir, lists:sort(element(2, file:list_dir(D)))),
    p(wildcard, lists:sort([filename:basename(X) || X <- filelib:wildcard(D ++ "/*.txt")])),
    p(rename, file:rename(F, filename:join(D, "b.txt"))),
    p(copy, file:copy(filename:join(D, "b.txt"), filename:join(D, "c.txt"))),
    p(delete, file:delete(filename:join(D, "c.txt"))),
    p(missing, file:read_file(filename:join(D, "nope"))),
    p(del_dir, file:del_dir(filename:join(D, "sub"))),
    p(read_file_info, element(3, element(2, file:read_file_info(filename:join(D, "b.txt"))))),
    {ok, Cwd} = file:get_cwd(),
    p(cwd_is_absolute, filename:pathtype(Cwd)),
    {ok, R} = file:open(filename:join(D, "raw.bin"), [raw, write, binary]),
    ok = file:write(R, <<1, 2, 3>>),
    ok = file:close(R),
    p(raw, file:read_file(filename:join(D, "raw.bin"))).

os_part() ->
    p(cmd, os:cmd("echo hello; echo world")),
    p(cmd_exit, os:cmd("exit 3")),
    p(cmd_stderr, os:cmd("echo err 1>&2")),
    true = os:putenv("BEAMVM_IO_TEST", "välue"),
    p(getenv, os:getenv("BEAMVM_IO_TEST")),
    p(cmd_sees_env, os:cmd("echo $BEAMVM_IO_TEST")),
    p(type, os:type()),
    p(find_sh, os:find_executable("sh") =/= false).

code_part() ->
    p(which_lists, filename:basename(code:which(lists))),
    p(ensure_loaded, code:ensure_loaded(queue)),
    p(is_loaded, element(1, code:is_loaded(queue))),
    p(which_missing, code:which(no_such_module)),
    p(lib_dir, filename:basename(code:lib_dir(stdlib))),
    p(priv_dir, filename:basename(filename:dirname(code:priv_dir(kernel)))),
    p(root_dir, code:root_dir() =:= filename:dirname(filename:dirname(code:lib_dir(stdlib)))),
    p(path_has_stdlib, lists:any(fun(X) -> lists:suffix("ebin", X) end, code:get_path())),
    p(all_loaded, lists:member({lists, code:which(lists)}, code:all_loaded())),
    p(load_file_missing, code:load_file(no_such_module)),
    p(app_env, application:get_env(kernel, no_such_key)),
    p(init_args, init:get_argument(noshell)),
    p(plain, init:get_plain_arguments()).

%% Reports through the real logger: the emulator's report of a process
%% dying of an error, a proc_lib crash report, logger and error_logger
%% calls. A filter takes out what differs between runs (pids, times); the
%% template leaves out the time. Each report is waited for.
report() ->
    ok = logger:add_handler(diff, logger_std_h,
                            #{config => #{type => standard_io},
                              formatter => {logger_formatter, #{template => [level, ": ", msg, "\n"], single_line => true}},
                              filters => [{nopids, {fun no_pids/2, []}}]}),
    ok = logger:remove_handler(default),
    logger:set_primary_config(level, all),
    {Pid, Ref} = spawn_monitor(fun() -> erlang:error({deliberate, crash}) end),
    receive {'DOWN', Ref, process, Pid, _} -> ok end,
    sync(),
    logger:error("explicit ~p", [error_call]),
    logger:warning(#{what => report_map, n => 1}),
    error_logger:error_msg("old api ~s~n", ["error_msg"]),
    error_logger:info_report([{key, value}]),
    sync(),
    logger:set_primary_config(level, none).

sync() ->
    timer:sleep(50),
    logger_std_h:filesync(diff).

no_pids(#{msg := {report, #{label := {proc_lib, crash}}}}, _) -> stop;
no_pids(#{msg := {Format, Args}} = Event, _) when is_list(Args) ->
    Event#{msg := {Format, [if is_pid(A) -> pid; true -> A end || A <- Args]}};
no_pids(Event, _) -> Event.
