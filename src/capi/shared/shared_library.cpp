// libdetwasm.so is the static library's objects, linked whole; a shared
// library target needs one source of its own, and this is it.
namespace detwasm::capi {
[[maybe_unused]] constexpr int kSharedLibraryUnit = 0;
}
