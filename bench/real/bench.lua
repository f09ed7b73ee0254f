-- A Lua workload for bench/real/run-real-programs.py, run by the Lua 5.4
-- interpreter. Each part prints a checksum, so that every engine and the
-- native build can be compared by their output. No clock, no math.random,
-- no transcendental functions, and no error is raised (pcall cannot catch
-- one in the wasm32-wasi build: an error ends the program).
--
--   lua bench.lua [SCALE]   (default 1)

local SCALE = tonumber(arg and arg[1]) or 1

-- A deterministic pseudo-random stream (xorshift32).
local seed = 2463534242
local function rand(n)
  seed = seed ~ ((seed << 13) & 0xffffffff)
  seed = seed ~ (seed >> 17)
  seed = seed ~ ((seed << 5) & 0xffffffff)
  return seed % n
end

-- Allocation: binary trees, built and walked.
local function build(depth)
  if depth == 0 then return {} end
  return {build(depth - 1), build(depth - 1)}
end
local function count(t)
  if t[1] == nil then return 1 end
  return 1 + count(t[1]) + count(t[2])
end
local function trees()
  local total = 0
  for _ = 1, 10 * SCALE do total = total + count(build(14)) end
  return total
end

-- Floating point: an n-body step loop (sqrt only, which is exact).
local function nbody()
  local bodies = {}
  for i = 0, 4 do
    bodies[#bodies + 1] = {x = i, y = i * 0.5, z = -i, vx = 0.01 * i, vy = 0, vz = -0.02 * i, m = 1 + i * 0.1}
  end
  local dt, sqrt = 0.01, math.sqrt
  for _ = 1, 100000 * SCALE do
    for a = 1, #bodies do
      local p = bodies[a]
      for b = a + 1, #bodies do
        local q = bodies[b]
        local dx, dy, dz = p.x - q.x, p.y - q.y, p.z - q.z
        local d2 = dx * dx + dy * dy + dz * dz + 0.01
        local mag = dt / (d2 * sqrt(d2))
        p.vx = p.vx - dx * q.m * mag; p.vy = p.vy - dy * q.m * mag; p.vz = p.vz - dz * q.m * mag
        q.vx = q.vx + dx * p.m * mag; q.vy = q.vy + dy * p.m * mag; q.vz = q.vz + dz * p.m * mag
      end
    end
    for c = 1, #bodies do
      local r = bodies[c]
      r.x = r.x + dt * r.vx; r.y = r.y + dt * r.vy; r.z = r.z + dt * r.vz
    end
  end
  local e = 0
  for k = 1, #bodies do e = e + bodies[k].x + bodies[k].y + bodies[k].z end
  return string.format("%.9f", e)
end

-- Strings and patterns: build a text, split, count, substitute.
local WORDS = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"}
local function text()
  local parts = {}
  for i = 1, 100000 * SCALE do
    parts[#parts + 1] = WORDS[rand(#WORDS) + 1] .. (i % 17 == 0 and "." or "")
  end
  local s = table.concat(parts, " ")
  local counts, sentences = {}, 0
  for w in s:gmatch("%a+") do counts[w] = (counts[w] or 0) + 1 end
  for _ in s:gmatch("%. ") do sentences = sentences + 1 end
  local upper, n = s:gsub("%f[%a]([ae])(%a*)", function(first, rest) return first:upper() .. rest end)
  local keys = {}
  for k in pairs(counts) do keys[#keys + 1] = k end
  table.sort(keys)
  local out = {}
  for _, k in ipairs(keys) do out[#out + 1] = k .. ":" .. counts[k] end
  return sentences .. " " .. n .. " " .. #upper .. " " .. table.concat(out, ",")
end

-- Tables as records: serialize to a string and parse back.
local function records()
  local list = {}
  for i = 1, 20000 * SCALE do
    list[i] = {id = i, name = "user" .. rand(100000), score = rand(1000) / 8}
  end
  local total, length = 0, 0
  for _ = 1, 3 do
    local lines = {}
    for i, r in ipairs(list) do lines[i] = string.format("%d;%s;%.3f", r.id, r.name, r.score) end
    local s = table.concat(lines, "\n")
    length = length + #s
    for id, name, score in s:gmatch("(%d+);(%w+);([%d.]+)") do
      total = total + tonumber(id) % 7 + #name + tonumber(score)
    end
  end
  return length .. " " .. string.format("%.3f", total)
end

-- Arrays and closures: sort with a comparator, map, filter, reduce.
local function arrays()
  local a = {}
  for i = 1, 100000 * SCALE do a[i] = rand(1000000) end
  table.sort(a, function(x, y) return x < y end)
  local sorted = true
  for j = 2, #a do if a[j - 1] > a[j] then sorted = false end end
  local function map(t, f) local r = {} for i = 1, #t do r[i] = f(t[i]) end return r end
  local function filter(t, f) local r = {} for i = 1, #t do if f(t[i]) then r[#r + 1] = t[i] end end return r end
  local function reduce(t, f, s) for i = 1, #t do s = f(s, t[i]) end return s end
  local sum = reduce(filter(map(a, function(x) return x * 3 + 1 end), function(x) return x % 2 == 0 end),
                     function(s, x) return (s + x) % 1000000007 end, 0)
  return tostring(sorted) .. " " .. a[1] .. " " .. a[#a] .. " " .. sum
end

-- Integers: a sieve, and a hash over the primes.
local function sieve()
  local n = 1000000 * SCALE
  local composite = {}
  for i = 1, n do composite[i] = false end
  local primes, h = 0, 0
  for p = 2, n do
    if not composite[p] then
      primes = primes + 1
      h = (h * 31 + p) & 0xffffffff
      for m = p * p, n, p do composite[m] = true end
    end
  end
  return primes .. " " .. h
end

print("trees " .. trees())
print("nbody " .. nbody())
print("text " .. text())
print("records " .. records())
print("arrays " .. arrays())
print("sieve " .. sieve())
