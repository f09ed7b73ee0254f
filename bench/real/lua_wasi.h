// Included before every Lua source for wasm32-wasi: WASI has no temporary
// file names, so os.tmpname reports failure.
#define LUA_TMPNAMBUFSIZE 32
#define lua_tmpnam(b, e) { (void)(b); e = 1; }
