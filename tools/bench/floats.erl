%% Floating-point arithmetic: a small n-body simulation and Mandelbrot.
-module(floats).
-export([main/0]).
-include("bench.hrl").
run() -> {nbody(20000), mandel(60)}.
nbody(Steps) ->
    Bodies = [{0.0, 0.0, 0.0, 0.01, 0.02, 0.0, 39.47},
              {4.84, -1.16, -0.10, 0.606, 2.81, -0.02, 0.037},
              {8.34, 4.12, -0.40, -1.01, 1.82, 0.008, 0.011},
              {12.89, -15.11, -0.22, 1.08, 0.868, -0.01, 0.0017}],
    energy(step(Steps, Bodies)).
step(0, Bs) -> Bs;
step(N, Bs) -> step(N - 1, move(advance(Bs))).
advance(Bs) -> [lists:foldl(fun(O, B) -> pull(B, O) end, B, Bs) || B <- Bs].
pull({X, Y, Z, Vx, Vy, Vz, M} = B, {X2, Y2, Z2, _, _, _, M2}) ->
    Dx = X - X2, Dy = Y - Y2, Dz = Z - Z2,
    D2 = Dx * Dx + Dy * Dy + Dz * Dz,
    if D2 == 0.0 -> B;
       true -> Mag = 0.01 / (D2 * math_sqrt(D2)),
               {X, Y, Z, Vx - Dx * M2 * Mag, Vy - Dy * M2 * Mag, Vz - Dz * M2 * Mag, M}
    end.
move(Bs) -> [{X + 0.01 * Vx, Y + 0.01 * Vy, Z + 0.01 * Vz, Vx, Vy, Vz, M} || {X, Y, Z, Vx, Vy, Vz, M} <- Bs].
energy(Bs) -> lists:sum([0.5 * M * (Vx * Vx + Vy * Vy + Vz * Vz) || {_, _, _, Vx, Vy, Vz, M} <- Bs]).
math_sqrt(X) -> sq(X, X / 2.0 + 0.5, 20).
sq(_, G, 0) -> G;
sq(X, G, N) -> sq(X, (G + X / G) / 2.0, N - 1).
mandel(N) -> lists:sum([point(X / N * 3.0 - 2.0, Y / N * 2.0 - 1.0) || X <- lists:seq(0, N - 1), Y <- lists:seq(0, N - 1)]).
point(Cr, Ci) -> iter(0.0, 0.0, Cr, Ci, 0).
iter(_, _, _, _, 50) -> 50;
iter(Zr, Zi, Cr, Ci, I) when Zr * Zr + Zi * Zi > 4.0 -> I;
iter(Zr, Zi, Cr, Ci, I) -> iter(Zr * Zr - Zi * Zi + Cr, 2.0 * Zr * Zi + Ci, Cr, Ci, I + 1).
