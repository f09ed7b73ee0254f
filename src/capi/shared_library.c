/* libdetwasm.so is the static library's objects, linked whole; a shared
   library target needs one source of its own, and this is it. */
typedef int detwasm_shared_library_unit;
