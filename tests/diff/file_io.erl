%% prim_file (the file NIFs) used directly, as the file server is not
%% running in the direct boot mode: files, directories, links, file info,
%% positions, read-ahead, errors. Works in a scratch directory under /tmp
%% (named after the OS pid, removed at the end); prints contents, sizes and
%% error atoms, never inode numbers or times that differ between runs.
-module(file_io).
-export([main/0]).

-include_lib("kernel/include/file.hrl").

main() ->
    Dir = "/tmp/beamvm_file_io_" ++ os:getpid(),
    rm_rf(Dir),
    ok = prim_file:make_dir(Dir),
    try
        run(Dir)
    after
        rm_rf(Dir)
    end,
    p(after_cleanup, prim_file:read_file_info(Dir)),
    ok.

p(Tag, X) -> io:format("~p: ~p~n", [Tag, X]).

%% Class and reason of an exception, without the stack (which differs).
x(F) -> try F() catch C:R -> {C, R} end.

f(Dir, Name) -> Dir ++ "/" ++ Name.

run(D) ->
    dirs(D),
    whole_files(D),
    open_modes(D),
    reading(D),
    writing(D),
    positions(D),
    info(D),
    links(D),
    renames(D),
    owners(D),
    bad_args(D),
    cwd(D),
    misc(D).

dirs(D) ->
    p(make_dir_again, prim_file:make_dir(D)),
    p(make_dir_no_parent, prim_file:make_dir(f(D, "no/such"))),
    p(make_dir_sub, prim_file:make_dir(f(D, "sub"))),
    ok = prim_file:write_file(f(D, "sub/x"), <<"x">>),
    p(del_dir_not_empty, prim_file:del_dir(f(D, "sub"))),
    p(del_dir_file, prim_file:del_dir(f(D, "sub/x"))),
    p(delete_dir, prim_file:delete(f(D, "sub"))),
    p(delete_missing, prim_file:delete(f(D, "sub/nope"))),
    p(list_dir_file, prim_file:list_dir(f(D, "sub/x"))),
    p(list_dir_missing, prim_file:list_dir(f(D, "nope"))),
    ok = prim_file:delete(f(D, "sub/x")),
    p(del_dir_empty, prim_file:del_dir(f(D, "sub"))),
    p(del_dir_missing, prim_file:del_dir(f(D, "sub"))),
    [ok = prim_file:write_file(f(D, N), N) || N <- ["b", "a", "c", "été"]],
    {ok, L} = prim_file:list_dir(D),
    p(list_dir, lists:sort(L)),
    {ok, LA} = prim_file:list_dir_all(D),
    p(list_dir_all, lists:sort(LA)),
    [ok = prim_file:delete(f(D, N)) || N <- ["b", "a", "c", "été"]],
    p(list_dir_empty, prim_file:list_dir(D)).

whole_files(D) ->
    F = f(D, "whole"),
    Big = binary:copy(<<"0123456789abcdef">>, 5000),
    p(write_file, prim_file:write_file(F, [<<"abc">>, "def", [[$g], <<"h">>] | <<"ij">>])),
    p(read_file, prim_file:read_file(F)),
    ok = prim_file:write_file(F, Big),
    {ok, B} = prim_file:read_file(F),
    p(read_big, {byte_size(B), B =:= Big}),
    ok = prim_file:write_file(F, <<>>),
    p(read_empty, prim_file:read_file(F)),
    p(read_missing, prim_file:read_file(f(D, "missing"))),
    p(read_dir, prim_file:read_file(D)),
    p(read_dev_null, prim_file:read_file("/dev/null")),
    {ok, Stat} = prim_file:read_file("/proc/self/stat"),
    p(read_proc, byte_size(Stat) > 0),
    p(write_file_dir, prim_file:write_file(D, <<"x">>)),
    p(write_file_no_dir, prim_file:write_file(f(D, "no/such"), <<"x">>)),
    p(write_file_bad_data, prim_file:write_file(F, [foo])),
    ok = prim_file:delete(F).

open_modes(D) ->
    F = f(D, "modes"),
    p(open_missing_read, prim_file:open(F, [read])),
    p(open_dir, prim_file:open(D, [read])),
    p(open_dir_as_dir, close_ok(prim_file:open(D, [directory]))),
    p(open_file_as_dir, prim_file:open("/dev/null", [directory])),
    {ok, W} = prim_file:open(F, [write]),
    p(write, prim_file:write(W, <<"hello">>)),
    p(read_write_only, prim_file:read(W, 3)),
    ok = prim_file:close(W),
    p(exclusive_exists, prim_file:open(F, [exclusive])),
    {ok, R} = prim_file:open(F, [read, binary]),
    p(write_read_only, prim_file:write(R, <<"x">>)),
    p(read, prim_file:read(R, 100)),
    ok = prim_file:close(R),
    {ok, A} = prim_file:open(F, [append]),
    ok = prim_file:write(A, " world"),
    ok = prim_file:close(A),
    p(after_append, prim_file:read_file(F)),
    {ok, RW} = prim_file:open(F, [read, write]),
    p(rw_read, prim_file:read(RW, 5)),
    ok = prim_file:write(RW, <<"!">>),
    ok = prim_file:close(RW),
    p(after_rw, prim_file:read_file(F)),
    {ok, T} = prim_file:open(F, [write]),
    ok = prim_file:close(T),
    p(truncated_by_write, prim_file:read_file(F)),
    {ok, X} = prim_file:open(f(D, "excl"), [exclusive]),
    ok = prim_file:close(X),
    {ok, S} = prim_file:open(f(D, "synced"), [write, sync, raw, binary, delayed_write]),
    ok = prim_file:write(S, "s"),
    ok = prim_file:close(S),
    p(sync_mode, prim_file:read_file(f(D, "synced"))),
    [ok = prim_file:delete(f(D, N)) || N <- ["modes", "excl", "synced"]].

close_ok({ok, Fd}) -> prim_file:close(Fd);
close_ok(Other) -> Other.

reading(D) ->
    F = f(D, "lines"),
    ok = prim_file:write_file(F, <<"one\ntwo\r\nthree\n\nlast">>),
    {ok, Fd} = prim_file:open(F, [read, binary]),
    p(lines, read_lines(Fd)),
    p(read_at_eof, prim_file:read(Fd, 10)),
    ok = prim_file:close(Fd),
    {ok, RA} = prim_file:open(F, [read, binary, {read_ahead, 8}]),
    p(ra_read, prim_file:read(RA, 2)),
    p(ra_line, prim_file:read_line(RA)),
    p(ra_position, prim_file:position(RA, cur)),
    p(ra_read_more, prim_file:read(RA, 20)),
    p(ra_lines, read_lines(RA)),
    ok = prim_file:close(RA),
    {ok, RA2} = prim_file:open(F, [read, binary, read_ahead]),
    p(ra_default_lines, read_lines(RA2)),
    ok = prim_file:close(RA2),
    Long = binary:copy(<<"x">>, 1000),
    ok = prim_file:write_file(F, [Long, $\n, Long]),
    {ok, L} = prim_file:open(F, [read, binary]),
    {ok, L1} = prim_file:read_line(L),
    {ok, L2} = prim_file:read_line(L),
    p(long_lines, {byte_size(L1), byte_size(L2), prim_file:read_line(L)}),
    ok = prim_file:close(L),
    {ok, Z} = prim_file:open(F, [read, binary]),
    p(read_zero, prim_file:read(Z, 0)),
    p(pread, prim_file:pread(Z, 998, 4)),
    p(pread_eof, prim_file:pread(Z, 5000, 4)),
    p(pread_list, prim_file:pread(Z, [{0, 2}, {999, 3}, {3000, 1}])),
    p(pread_negative, prim_file:pread(Z, -1, 4)),
    ok = prim_file:close(Z),
    ok = prim_file:delete(F).

read_lines(Fd) ->
    case prim_file:read_line(Fd) of
        {ok, Line} -> [Line | read_lines(Fd)];
        Other -> [Other]
    end.

writing(D) ->
    F = f(D, "writes"),
    {ok, Fd} = prim_file:open(F, [write, read, binary]),
    Many = [<<I>> || I <- lists:seq(1, 200)],
    p(write_many, prim_file:write(Fd, Many)),
    Big = binary:copy(<<"ab">>, 70000),
    p(write_big, prim_file:write(Fd, [Big, "tail"])),
    p(write_iolist, prim_file:write(Fd, [[["x"]], <<>>, [], "yz"])),
    p(size_now, prim_file:position(Fd, eof)),
    p(pwrite, prim_file:pwrite(Fd, 0, <<"START">>)),
    p(pwrite_many, prim_file:pwrite(Fd, 10, [<<I>> || I <- lists:seq(1, 100)])),
    p(pwrite_list, prim_file:pwrite(Fd, [{5, "5"}, {6, <<"6">>}])),
    p(pwrite_list_bad, prim_file:pwrite(Fd, [{7, "7"}, {-1, "x"}])),
    p(pread_back, prim_file:pread(Fd, 0, 12)),
    {ok, _} = prim_file:position(Fd, 3),
    p(truncate, prim_file:truncate(Fd)),
    p(sync, prim_file:sync(Fd)),
    p(datasync, prim_file:datasync(Fd)),
    p(allocate, prim_file:allocate(Fd, 0, 100)),
    p(advise, [prim_file:advise(Fd, 0, 10, A) || A <- [normal, random, sequential, will_need, dont_need, no_reuse, bad]]),
    p(advise_negative, prim_file:advise(Fd, -1, 10, normal)),
    {ok, #file_info{size = Size}} = prim_file:read_handle_info(Fd),
    p(size_after_allocate, Size),
    ok = prim_file:close(Fd),
    p(content, prim_file:read_file(F)),
    ok = prim_file:delete(F).

positions(D) ->
    F = f(D, "pos"),
    ok = prim_file:write_file(F, <<"0123456789">>),
    {ok, Fd} = prim_file:open(F, [read, write, binary]),
    p(positions, [prim_file:position(Fd, P) || P <- [3, cur, {cur, 2}, {cur, -1}, eof, {eof, -4}, bof, {bof, 7},
                                                     {bof, -1}, {cur, -100}, {eof, 5}, {foo, 1}, foo, 1.5]]),
    {ok, 0} = prim_file:position(Fd, bof),
    p(read_after, prim_file:read(Fd, 3)),
    {ok, _} = prim_file:position(Fd, {eof, 5}),
    ok = prim_file:write(Fd, "Z"),
    p(sparse, prim_file:read_file(F)),
    {ok, Fd2} = prim_file:open(F, [read, binary]),
    p(ipread_short, prim_file:ipread_s32bu_p32bu(Fd2, 0, infinity)),
    ok = prim_file:close(Fd2),
    ok = prim_file:write_file(F, <<0, 0, 0, 5, 0, 0, 0, 12, "abcd", "hello world">>),
    {ok, Fd3} = prim_file:open(F, [read, binary]),
    p(ipread, prim_file:ipread_s32bu_p32bu(Fd3, 0, infinity)),
    p(ipread_too_big, prim_file:ipread_s32bu_p32bu(Fd3, 0, 4)),
    p(ipread_eof, prim_file:ipread_s32bu_p32bu(Fd3, 100, 10)),
    p(ipread_bad, prim_file:ipread_s32bu_p32bu(Fd3, foo, 10)),
    ok = prim_file:close(Fd3),
    ok = prim_file:close(Fd),
    ok = prim_file:delete(F).

info(D) ->
    F = f(D, "info"),
    ok = prim_file:write_file(F, <<"12345">>),
    {ok, I} = prim_file:read_file_info(F),
    p(file_info, summary(I)),
    {ok, DI} = prim_file:read_file_info(D),
    p(dir_info, summary(DI)),
    {ok, NI} = prim_file:read_file_info("/dev/null"),
    p(dev_info, summary(NI)),
    p(info_missing, prim_file:read_file_info(f(D, "missing"))),
    p(info_bad, prim_file:read_file_info(foo)),
    {ok, PI} = prim_file:read_file_info(F, [{time, posix}]),
    p(posix_times, is_integer(PI#file_info.mtime)),
    {ok, UI} = prim_file:read_file_info(F, [{time, universal}]),
    p(universal_times, is_tuple(UI#file_info.mtime)),
    p(set_mode, prim_file:write_file_info(F, #file_info{mode = 8#640})),
    {ok, I2} = prim_file:read_file_info(F),
    p(mode_after, I2#file_info.mode band 8#7777),
    MTime = {{2020, 2, 29}, {12, 34, 56}},
    p(set_times, prim_file:write_file_info(F, #file_info{mtime = MTime, atime = MTime})),
    {ok, I3} = prim_file:read_file_info(F),
    p(times_after, {I3#file_info.mtime, I3#file_info.atime}),
    p(set_posix_time, prim_file:write_file_info(F, #file_info{mtime = 1000000000, atime = 1000000000}, [{time, posix}])),
    {ok, I4} = prim_file:read_file_info(F, [{time, posix}]),
    p(posix_after, {I4#file_info.mtime, I4#file_info.atime}),
    p(set_info_missing, prim_file:write_file_info(f(D, "missing"), #file_info{mode = 8#600})),
    {ok, Fd} = prim_file:open(F, [read]),
    {ok, HI} = prim_file:read_handle_info(Fd),
    p(handle_info, summary(HI)),
    ok = prim_file:close(Fd),
    ok = prim_file:write_file_info(F, #file_info{mode = 8#444}),
    {ok, RO} = prim_file:read_file_info(F),
    p(read_only_access, RO#file_info.access),
    ok = prim_file:write_file_info(F, #file_info{mode = 8#644}),
    ok = prim_file:delete(F).

summary(#file_info{size = S, type = T, access = A, mode = M, links = L, major_device = Maj, minor_device = Min,
                   inode = Ino, uid = U, gid = G, mtime = MT}) ->
    {S, T, A, M band 8#170000, L, is_integer(Maj), Min, is_integer(Ino), is_integer(U), is_integer(G), is_tuple(MT)}.

links(D) ->
    F = f(D, "target"),
    ok = prim_file:write_file(F, <<"data">>),
    p(symlink, prim_file:make_symlink("target", f(D, "sym"))),
    p(symlink_exists, prim_file:make_symlink("target", f(D, "sym"))),
    p(read_link, prim_file:read_link(f(D, "sym"))),
    p(read_link_all, prim_file:read_link_all(f(D, "sym"))),
    p(read_link_file, prim_file:read_link(F)),
    p(read_link_missing, prim_file:read_link(f(D, "missing"))),
    {ok, LI} = prim_file:read_link_info(f(D, "sym")),
    p(link_info, element(3, LI)),
    {ok, FI} = prim_file:read_file_info(f(D, "sym")),
    p(followed_info, {element(2, FI), element(3, FI)}),
    p(read_via_link, prim_file:read_file(f(D, "sym"))),
    p(hard_link, prim_file:make_link(F, f(D, "hard"))),
    p(hard_link_exists, prim_file:make_link(F, f(D, "hard"))),
    p(hard_link_missing, prim_file:make_link(f(D, "missing"), f(D, "hard2"))),
    {ok, HI} = prim_file:read_file_info(F),
    p(links_count, HI#file_info.links),
    p(dangling, prim_file:make_symlink("nowhere", f(D, "dangling"))),
    p(dangling_info, prim_file:read_file_info(f(D, "dangling"))),
    {ok, DI} = prim_file:read_link_info(f(D, "dangling")),
    p(dangling_link_info, DI#file_info.type),
    [ok = prim_file:delete(f(D, N)) || N <- ["target", "sym", "hard", "dangling"]].

renames(D) ->
    ok = prim_file:write_file(f(D, "r1"), <<"r1">>),
    p(rename, prim_file:rename(f(D, "r1"), f(D, "r2"))),
    p(rename_missing, prim_file:rename(f(D, "r1"), f(D, "r3"))),
    p(renamed, prim_file:read_file(f(D, "r2"))),
    ok = prim_file:make_dir(f(D, "d1")),
    ok = prim_file:make_dir(f(D, "d2")),
    ok = prim_file:write_file(f(D, "d2/x"), <<>>),
    p(rename_dir_onto_nonempty, prim_file:rename(f(D, "d1"), f(D, "d2"))),
    p(rename_file_onto_dir, prim_file:rename(f(D, "r2"), f(D, "d1"))),
    p(rename_dir_onto_file, prim_file:rename(f(D, "d1"), f(D, "r2"))),
    p(rename_dir, prim_file:rename(f(D, "d1"), f(D, "d3"))),
    ok = prim_file:delete(f(D, "d2/x")),
    [ok = prim_file:del_dir(f(D, N)) || N <- ["d2", "d3"]],
    ok = prim_file:delete(f(D, "r2")).

owners(D) ->
    F = f(D, "owned"),
    ok = prim_file:write_file(F, <<"owned">>),
    {ok, Fd} = prim_file:open(F, [read, binary]),
    Self = self(),
    {Pid, Ref} = spawn_monitor(fun() ->
                                       R = try prim_file:read(Fd, 2) catch C:E -> {C, E} end,
                                       Self ! {other, R, catch prim_file:close(Fd)}
                               end),
    receive {other, R, C} -> p(other_process, {R, C}) end,
    receive {'DOWN', Ref, process, Pid, _} -> ok end,
    p(owner_still_reads, prim_file:read(Fd, 2)),
    ok = prim_file:close(Fd),
    p(closed_twice, prim_file:close(Fd)),
    p(read_closed, prim_file:read(Fd, 1)),
    p(write_closed, prim_file:write(Fd, "x")),
    p(position_closed, prim_file:position(Fd, 0)),
    Before = open_fds(),
    {Pid2, Ref2} = spawn_monitor(fun() ->
                                         {ok, Fd2} = prim_file:open(F, [read]),
                                         Self ! {opened, Fd2, open_fds()},
                                         receive stop -> ok end
                                 end),
    receive {opened, Fd2, During} -> p(opened_one_more, During - Before) end,
    Pid2 ! stop,
    receive {'DOWN', Ref2, process, Pid2, _} -> ok end,
    p(closed_when_owner_exits, wait_fds(Before, 200)),
    p(dead_owners_file, x(fun() -> prim_file:read(Fd2, 1) end)),
    ok = prim_file:delete(F).

open_fds() ->
    {ok, L} = prim_file:list_dir("/proc/self/fd"),
    length(L).

wait_fds(N, 0) -> {still_open, open_fds() - N};
wait_fds(N, Tries) ->
    case open_fds() of
        N -> true;
        _ -> receive after 10 -> wait_fds(N, Tries - 1) end
    end.

bad_args(D) ->
    F = f(D, "bad"),
    ok = prim_file:write_file(F, <<"bad">>),
    p(open_atom, x(fun() -> prim_file:open(foo, [read]) end)),
    p(open_bad_modes, x(fun() -> prim_file:open(F, read) end)),
    p(open_nul, x(fun() -> prim_file:open("a\0b", [read]) end)),
    p(open_bad_char, x(fun() -> prim_file:open([16#110000], [read]) end)),
    p(read_file_int, x(fun() -> prim_file:read_file(123) end)),
    p(read_file_bin_name, x(fun() -> prim_file:read_file(list_to_binary(F)) end)),
    p(list_dir_bad, x(fun() -> prim_file:list_dir({x}) end)),
    p(delete_bad, x(fun() -> prim_file:delete(make_ref()) end)),
    p(rename_bad, x(fun() -> prim_file:rename(F, 42) end)),
    p(make_dir_bad, x(fun() -> prim_file:make_dir(<<"a", 0, "b">>) end)),
    {ok, Fd} = prim_file:open(F, [read, binary]),
    p(read_negative, x(fun() -> prim_file:read(Fd, -1) end)),
    p(read_atom, x(fun() -> prim_file:read(Fd, foo) end)),
    p(pread_bad, x(fun() -> prim_file:pread(Fd, foo, 1) end)),
    p(pread_float, x(fun() -> prim_file:pread(Fd, 1.0, 1) end)),
    p(position_bad, x(fun() -> prim_file:position(Fd, {bof, foo}) end)),
    p(write_bad, x(fun() -> prim_file:write(Fd, [foo]) end)),
    p(allocate_bad, x(fun() -> prim_file:allocate(Fd, -1, 10) end)),
    p(close_not_fd, x(fun() -> prim_file:close(foo) end)),
    p(read_not_fd, x(fun() -> prim_file:read(foo, 1) end)),
    ok = prim_file:close(Fd),
    ok = prim_file:delete(F).

cwd(D) ->
    {ok, Old} = prim_file:get_cwd(),
    p(set_cwd, prim_file:set_cwd(D)),
    p(get_cwd, prim_file:get_cwd() =:= {ok, D}),
    ok = prim_file:write_file("relative", <<"rel">>),
    p(relative, prim_file:read_file(f(D, "relative"))),
    p(del_cwd, prim_file:del_dir(D)),
    ok = prim_file:delete("relative"),
    p(set_cwd_missing, prim_file:set_cwd(f(D, "missing"))),
    p(set_cwd_file, prim_file:set_cwd("/dev/null")),
    p(set_cwd_bad, prim_file:set_cwd(foo)),
    p(set_cwd_untranslatable, prim_file:set_cwd(<<255>>)),
    ok = prim_file:set_cwd(Old),
    p(get_cwd_drive, prim_file:get_cwd("c:")),
    p(get_cwd_bad, prim_file:get_cwd("cc")),
    p(get_cwd_bad2, prim_file:get_cwd(foo)).

misc(D) ->
    F = f(D, "misc"),
    ok = prim_file:write_file(F, <<"misc">>),
    p(altname, prim_file:altname(F)),
    {ok, Fd} = prim_file:open(F, [read, binary]),
    H = prim_file:get_handle(Fd),
    p(handle, {is_binary(H), byte_size(H)}),
    ok = prim_file:close(Fd),
    p(handle_closed, prim_file:get_handle(Fd)),
    p(desc_to_ref_bad, prim_file:file_desc_to_ref(999999, [read])),
    p(desc_to_ref_atom, prim_file:file_desc_to_ref(foo, [read])),
    p(encoding, file:native_name_encoding()),
    p(name2native, [x(fun() -> prim_file:internal_name2native(N) end) || N <- ["abc", <<"abc">>, "été", [$a, [$b, [$c]]], [],
                                                                     foo, "a\0", [-1], [16#D800], [$a | b], <<1:1>>]]),
    p(native2name, [x(fun() -> prim_file:internal_native2name(N) end) || N <- [<<>>, <<"abc">>, <<"été"/utf8>>, <<255>>,
                                                                     "abc", <<1:1>>]]),
    p(translatable, [x(fun() -> prim_file:is_translatable(N) end) || N <- [<<>>, <<"ok">>, <<255>>, "x"]]),
    p(normalize, [x(fun() -> prim_file:internal_normalize_utf8(N) end) || N <- [<<>>, <<"abc">>, <<"é"/utf8>>, <<255>>, x]]),
    ok = prim_file:delete(F).

rm_rf(Path) ->
    case prim_file:read_link_info(Path) of
        {ok, #file_info{type = directory}} ->
            {ok, Names} = prim_file:list_dir_all(Path),
            [rm_rf(Path ++ "/" ++ N) || N <- Names],
            _ = prim_file:set_cwd("/"),
            prim_file:del_dir(Path);
        {ok, _} ->
            prim_file:delete(Path);
        _ ->
            ok
    end.
