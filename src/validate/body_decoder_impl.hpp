// BodyDecoder's operator loop. Included by body_decoder.hpp only.
#pragma once

namespace detwasm::internal {

template <typename Consumer>
void BodyDecoder<Consumer>::decode(DefinedFuncIdx f, FunctionDef& def, const uint8_t* begin, const uint8_t* end,
                                   uint64_t base_offset) {
  Reader r(begin, end, base_offset);
  func_type_ = &m_.types[def.type_index];
  num_params_ = static_cast<uint32_t>(func_type_->params.size());
  decode_locals(r, def, *func_type_);
  local_runs_ = &def.local_runs;
  num_locals_ = def.num_locals;

  FunctionInfo info{m_.func_index(f), func_type_, &def.local_runs, num_locals_, base_offset,
                    static_cast<uint64_t>(end - begin)};
  c_.begin_function(info);

  stack_.clear();
  controls_.clear();
  max_height_ = 0;
  Ctl fn;
  fn.results_span = func_type_->results;
  push_control(ControlKind::Function, fn);
  c_.on_block(controls_.back());
  seg_open_ = false;
  seg_pending_ = false;
  c_.at_operator(static_cast<uint32_t>(r.offset()));
  if (gas_) gas_open(static_cast<uint64_t>(def.num_locals - num_params_) * gas_->per_local_initialised);

  const uint8_t* op_pos = r.pos();
  try {
    while (!controls_.empty()) {
      if (r.at_end()) throw_malformed(r.offset(), "unexpected end of section or function: END opcode expected");
      op_offset_ = r.offset();
      op_pos = r.pos();
      depth_at_op_ = controls_.size();
      c_.at_operator(static_cast<uint32_t>(op_offset_));
      decode_operator(r);
    }
  } catch (const ModuleError& e) {
    if (e.kind() != ModuleError::Kind::Invalid) throw;
    // A malformed encoding later in the body takes precedence over a
    // validation error, as when decoding precedes validation: scan the rest.
    Reader scan(op_pos, end, op_offset_);
    size_t depth = depth_at_op_;
    while (depth > 0) {
      if (scan.at_end()) throw_malformed(scan.offset(), "unexpected end of section or function: END opcode expected");
      depth += skip_operator(scan);
    }
    if (!scan.at_end()) throw_malformed(scan.offset(), "section size mismatch: operators after the function's end");
    throw;
  }
  if (!r.at_end()) throw_malformed(r.offset(), "section size mismatch: operators after the function's end");
  def.max_stack_height = max_height_;
  def.stack_cost = kFrameOverheadSlots + static_cast<uint64_t>(def.num_locals) + max_height_;
  c_.end_function(max_height_);
}

template <typename Consumer>
void BodyDecoder<Consumer>::decode_locals(Reader& r, FunctionDef& def, const FuncType& type) {
  uint32_t groups = r.count(limits_.max_locals_per_function, "local declarations", 2);
  uint64_t total = type.params.size();
  def.local_runs.clear();
  def.local_runs.reserve(groups);
  uint64_t limit_at = 0;
  for (uint32_t i = 0; i < groups; ++i) {
    uint64_t at = r.offset();
    uint32_t n = r.u32();
    total += n;
    // Past 2^32 - 1 the binary is malformed; the configured limit is checked
    // once every declaration is read, so the format's verdict comes first.
    if (total > 0xFFFFFFFFull) throw_malformed(at, "too many locals");
    if (total > limits_.max_locals_per_function && !limit_at) limit_at = at;
    ValType t = read_val_type(r);
    if (n && !limit_at) def.local_runs.push_back({static_cast<uint32_t>(total), t});
  }
  if (limit_at) throw_limit(limit_at, "too many locals (" + std::to_string(total) + ")");
  def.num_locals = static_cast<uint32_t>(total);
}

template <typename Consumer>
ValType BodyDecoder<Consumer>::local_type(uint32_t index) const {
  if (index >= num_locals_) throw_invalid(op_offset_, "unknown local " + std::to_string(index));
  if (index < num_params_) return func_type_->params[index];
  const auto& runs = *local_runs_;
  // Most functions declare a few runs: scan those, search the rest.
  size_t n = std::min<size_t>(runs.size(), 4);
  for (size_t i = 0; i < n; ++i)
    if (index < runs[i].end) return runs[i].type;
  auto it = std::upper_bound(runs.begin(), runs.end(), index,
                             [](uint32_t i, const LocalRun& run) { return i < run.end; });
  return it->type;
}

template <typename Consumer>
void BodyDecoder<Consumer>::read_block_type(Reader& r, Ctl& sig) {
  uint8_t b = r.peek_u8();
  if (b == 0x40) {
    r.u8();
    return;
  }
  if (b == 0x7F || b == 0x7E || b == 0x7D || b == 0x7C || b == 0x70 || b == 0x6F || b == 0x7B) {
    sig.single_result = read_val_type(r);
    sig.has_single_result = true;
    return;
  }
  uint64_t at = r.offset();
  // A type index encoded as a positive s33.
  auto d = leb128::decode<int64_t>(r.pos(), r.end());
  if (d.status != leb128::Status::Ok || d.length > 5) throw_malformed(at, "malformed block type");
  if (d.value < 0) throw_malformed(at, "malformed block type");
  r.skip(d.length);
  if (static_cast<uint64_t>(d.value) >= m_.types.size())
    throw_invalid(at, "unknown type " + std::to_string(d.value));
  const FuncType& ft = m_.types[static_cast<size_t>(d.value)];
  sig.params_span = ft.params;
  sig.results_span = ft.results;
}

template <typename Consumer>
void BodyDecoder<Consumer>::decode_operator(Reader& r) {
  uint8_t byte = r.u8();
  const bool live = reachable();
  if (live && gas_) {
    uint8_t cls = kByteOperatorGasClass[byte];
    if (cls != kNoGasClass) gas_add(static_cast<GasClass>(cls));
  }
  // Control operators (0x00-0x11) shape the control stack and the gas
  // segments; the rest move values.
  if (byte <= 0x11) {
    decode_control_operator(r, byte, live);
    return;
  }
  switch (byte) {
    case 0x1A:  // drop
      pop();
      if (live) c_.on_drop();
      return;
    case 0x1B: {  // select
      pop(ValType::I32);
      uint8_t t1 = pop();
      uint8_t t2 = pop();
      auto numeric = [](uint8_t t) { return t == kUnknown || is_num(static_cast<ValType>(t)); };
      if (!numeric(t1) || !numeric(t2)) type_error("type mismatch: select needs numeric operands or a type");
      if (t1 != kUnknown && t2 != kUnknown && t1 != t2) type_error("type mismatch: select operands differ");
      uint8_t t = t1 != kUnknown ? t1 : t2;
      push(static_cast<ValType>(t));  // may stay unknown in dead code
      if (live) c_.on_select(static_cast<ValType>(t));
      return;
    }
    case 0x1C: {  // select t*
      uint64_t at = r.offset();
      uint32_t n = r.u32();
      if (n != 1) throw_invalid(at, "invalid result arity for select");
      ValType t = read_val_type(r);
      pop(ValType::I32);
      pop(t);
      pop(t);
      push(t);
      if (live) c_.on_select(t);
      return;
    }
    case 0x20: {  // local.get
      uint32_t i = r.u32();
      ValType t = local_type(i);
      push(t);
      if (live) c_.on_local_get(i, t);
      return;
    }
    case 0x21: {  // local.set
      uint32_t i = r.u32();
      ValType t = local_type(i);
      pop(t);
      if (live) c_.on_local_set(i, t);
      return;
    }
    case 0x22: {  // local.tee
      uint32_t i = r.u32();
      ValType t = local_type(i);
      pop(t);
      push(t);
      if (live) c_.on_local_tee(i, t);
      return;
    }
    case 0x23: {  // global.get
      uint32_t g = r.u32();
      if (g >= m_.global_types.size()) throw_invalid(op_offset_, "unknown global " + std::to_string(g));
      ValType t = m_.global_types[g].type;
      push(t);
      if (live) c_.on_global_get(g, t);
      return;
    }
    case 0x24: {  // global.set
      uint32_t g = r.u32();
      if (g >= m_.global_types.size()) throw_invalid(op_offset_, "unknown global " + std::to_string(g));
      if (!m_.global_types[g].mut) type_error("global is immutable");
      ValType t = m_.global_types[g].type;
      pop(t);
      if (live) c_.on_global_set(g, t);
      return;
    }
    case 0x25: {  // table.get
      uint32_t t = r.u32();
      require_table(t);
      pop(ValType::I32);
      push(m_.tables[t].elem);
      if (live) c_.on_table_get(t);
      return;
    }
    case 0x26: {  // table.set
      uint32_t t = r.u32();
      require_table(t);
      pop(m_.tables[t].elem);
      pop(ValType::I32);
      if (live) c_.on_table_set(t);
      return;
    }
    case 0x3F:  // memory.size
      zero_byte(r);
      require_memory(0);
      push(ValType::I32);
      if (live) c_.on_memory_size();
      return;
    case 0x40:  // memory.grow
      zero_byte(r);
      require_memory(0);
      pop(ValType::I32);
      push(ValType::I32);
      if (live) c_.on_memory_grow();
      return;
    case 0x41: {
      int32_t v = r.s32();
      push(ValType::I32);
      if (live) c_.on_i32_const(v);
      return;
    }
    case 0x42: {
      int64_t v = r.s64();
      push(ValType::I64);
      if (live) c_.on_i64_const(v);
      return;
    }
    case 0x43: {
      uint32_t v = r.fixed_u32();
      push(ValType::F32);
      if (live) c_.on_f32_const(v);
      return;
    }
    case 0x44: {
      uint64_t v = r.fixed_u64();
      push(ValType::F64);
      if (live) c_.on_f64_const(v);
      return;
    }
    case 0xD0: {  // ref.null
      ValType t = read_ref_type(r);
      push(t);
      if (live) c_.on_ref_null(t);
      return;
    }
    case 0xD1: {  // ref.is_null
      uint8_t t = pop();
      if (t != kUnknown && !is_ref(static_cast<ValType>(t))) type_error("type mismatch: ref.is_null needs a reference");
      push(ValType::I32);
      if (live) c_.on_ref_is_null();
      return;
    }
    case 0xD2: {  // ref.func
      uint32_t f = r.u32();
      if (f >= m_.func_types.size()) throw_invalid(op_offset_, "unknown function " + std::to_string(f));
      if (!m_.declared_funcs[f]) throw_invalid(op_offset_, "undeclared function reference");
      push(ValType::FuncRef);
      if (live) c_.on_ref_func(f);
      return;
    }
    case kPrefixMisc:
      decode_misc_operator(r, r.u32());
      return;
    case kPrefixSimd:
      throw_unsupported(op_offset_, "unsupported feature: SIMD operator (prefix 0xfd)");
    case kPrefixAtomic:
      throw_unsupported(op_offset_, "unsupported feature: threads operator (prefix 0xfe)");
    default:
      break;
  }
  Opcode op = static_cast<Opcode>(byte);
  ValType t;
  uint32_t size_log2;
  if (load_signature(op, &t, &size_log2)) {
    MemArg a = read_memarg(r, size_log2);
    pop(ValType::I32);
    push(t);
    if (live) c_.on_load(op, a);
    return;
  }
  if (store_signature(op, &t, &size_log2)) {
    MemArg a = read_memarg(r, size_log2);
    pop(t);
    pop(ValType::I32);
    if (live) c_.on_store(op, a);
    return;
  }
  NumericSig sig;
  if (numeric_signature(op, &sig)) {
    if (sig.has_in2) pop(sig.in2);
    pop(sig.in1);
    push(sig.out);
    if (live) c_.on_numeric(op, sig);
    return;
  }
  throw_illegal_opcode(byte);
}

template <typename Consumer>
void BodyDecoder<Consumer>::decode_control_operator(Reader& r, uint8_t byte, bool live) {
  switch (byte) {
    case 0x00:  // unreachable
      if (live) c_.on_unreachable();
      if (live) gas_close();
      set_unreachable();
      return;
    case 0x01:  // nop
      return;
    case 0x02:    // block
    case 0x03:    // loop
    case 0x04: {  // if
      Ctl sig;
      read_block_type(r, sig);
      if (byte == 0x04) pop(ValType::I32);
      pop_all(sig.params());
      ControlKind kind = byte == 0x02 ? ControlKind::Block : byte == 0x03 ? ControlKind::Loop : ControlKind::If;
      // A loop header is a branch target: the segment before it ends here.
      if (live && kind == ControlKind::Loop) gas_close();
      push_control(kind, sig);
      push_all(sig.params());
      Ctl& ctl = controls_.back();
      if (kind == ControlKind::Block) c_.on_block(ctl);
      else if (kind == ControlKind::Loop) c_.on_loop(ctl);
      else c_.on_if(ctl);
      if (live && kind != ControlKind::Block) {
        gas_close();  // the if's own segment, with the if in it
        gas_open();   // the loop body or the then-arm
      }
      return;
    }
    case 0x05: {  // else
      Ctl& ctl = controls_.back();
      if (ctl.kind != ControlKind::If) throw_malformed(op_offset_, "else without matching if");
      check_frame_end(ctl);
      ctl.kind = ControlKind::Else;
      ctl.unreachable = false;
      push_all(ctl.params());
      gas_close();
      c_.on_else(ctl);
      if (ctl.start_reachable) gas_open();
      return;
    }
    case 0x0B: {  // end
      Ctl& ctl = controls_.back();
      check_frame_end(ctl);
      if (ctl.kind == ControlKind::If) {
        // An if without else behaves as if its else passed the params through.
        auto p = ctl.params();
        auto res = ctl.results();
        if (!std::equal(p.begin(), p.end(), res.begin(), res.end()))
          type_error("type mismatch: if without else must leave its params as results");
      }
      gas_close();
      c_.on_end(ctl);
      Ctl done = ctl;
      controls_.pop_back();
      push_all(done.results());
      // After a block's end, a branch target: a new segment.
      if (!controls_.empty() && reachable()) gas_open();
      return;
    }
    case 0x0C: {  // br
      uint32_t depth = r.u32();
      Ctl& target = label(depth);
      pop_all(target.label_types());
      if (live) c_.on_br(target);
      if (live) gas_close();
      set_unreachable();
      return;
    }
    case 0x0D: {  // br_if
      uint32_t depth = r.u32();
      Ctl& target = label(depth);
      pop(ValType::I32);
      pop_all(target.label_types());
      push_all(target.label_types());
      if (live) {
        c_.on_br_if(target);
        gas_close();
        gas_open();
      }
      return;
    }
    case 0x0E: {  // br_table
      uint32_t n = r.count(limits_.max_br_table_size, "br_table targets");
      br_targets_.clear();
      br_targets_.reserve(n);
      for (uint32_t i = 0; i < n; ++i) br_targets_.push_back(&label(r.u32()));
      Ctl& dflt = label(r.u32());
      pop(ValType::I32);
      uint32_t arity = dflt.label_arity();
      for (Ctl* t : br_targets_) {
        if (t->label_arity() != arity) type_error("type mismatch: br_table targets differ in arity");
        peek_all(t->label_types());
      }
      pop_all(dflt.label_types());
      if (live) c_.on_br_table(std::span<Ctl* const>(br_targets_), dflt);
      if (live) gas_close();
      set_unreachable();
      return;
    }
    case 0x0F:  // return
      pop_all(func_type_->results);
      if (live) c_.on_return();
      if (live) gas_close();
      set_unreachable();
      return;
    case 0x10: {  // call
      uint32_t f = r.u32();
      if (f >= m_.func_types.size()) throw_invalid(op_offset_, "unknown function " + std::to_string(f));
      const FuncType& ft = m_.func_type(FuncIdx{f});
      pop_all(ft.params);
      push_all(ft.results);
      if (live) {
        c_.on_call(FuncIdx{f}, ft);
        gas_close();
        gas_open();  // after the call returns
      }
      return;
    }
    case 0x11: {  // call_indirect
      uint32_t type_index = r.u32();
      uint32_t table = r.u32();
      require_table(table);
      if (type_index >= m_.types.size()) throw_invalid(op_offset_, "unknown type " + std::to_string(type_index));
      if (m_.tables[table].elem != ValType::FuncRef) type_error("type mismatch: call_indirect on a non-funcref table");
      const FuncType& ft = m_.types[type_index];
      pop(ValType::I32);
      pop_all(ft.params);
      push_all(ft.results);
      if (live) {
        c_.on_call_indirect(type_index, table, ft);
        gas_close();
        gas_open();
      }
      return;
    }
    default:
      throw_illegal_opcode(byte);
  }
}

template <typename Consumer>
void BodyDecoder<Consumer>::throw_illegal_opcode(uint8_t byte) const {
  char buf[64];
  std::snprintf(buf, sizeof buf, "illegal opcode 0x%02x", byte);
  throw_malformed(op_offset_, buf);
}

template <typename Consumer>
void BodyDecoder<Consumer>::decode_misc_operator(Reader& r, uint32_t sub) {
  const bool live = reachable();
  if (live && gas_ && sub <= 17) gas_add(gas_class(static_cast<Opcode>(0xFC00 | sub)));
  if (sub <= 7) {
    Opcode op = static_cast<Opcode>(0xFC00 | sub);
    NumericSig sig;
    numeric_signature(op, &sig);
    pop(sig.in1);
    push(sig.out);
    if (live) c_.on_numeric(op, sig);
    return;
  }
  switch (sub) {
    case 8: {  // memory.init
      uint32_t seg = r.u32();
      zero_byte(r);
      require_memory(0);
      require_data_count(seg);
      pop(ValType::I32);
      pop(ValType::I32);
      pop(ValType::I32);
      if (live) c_.on_memory_init(seg);
      return;
    }
    case 9: {  // data.drop
      uint32_t seg = r.u32();
      require_data_count(seg);
      if (live) c_.on_data_drop(seg);
      return;
    }
    case 10:  // memory.copy
      zero_byte(r);
      zero_byte(r);
      require_memory(0);
      pop(ValType::I32);
      pop(ValType::I32);
      pop(ValType::I32);
      if (live) c_.on_memory_copy();
      return;
    case 11:  // memory.fill
      zero_byte(r);
      require_memory(0);
      pop(ValType::I32);
      pop(ValType::I32);
      pop(ValType::I32);
      if (live) c_.on_memory_fill();
      return;
    case 12: {  // table.init
      uint32_t seg = r.u32();
      uint32_t table = r.u32();
      require_elem(seg);
      require_table(table);
      if (m_.elems[seg].type != m_.tables[table].elem) type_error("type mismatch: table.init element type");
      pop(ValType::I32);
      pop(ValType::I32);
      pop(ValType::I32);
      if (live) c_.on_table_init(seg, table);
      return;
    }
    case 13: {  // elem.drop
      uint32_t seg = r.u32();
      require_elem(seg);
      if (live) c_.on_elem_drop(seg);
      return;
    }
    case 14: {  // table.copy
      uint32_t dst = r.u32();
      uint32_t src = r.u32();
      require_table(dst);
      require_table(src);
      if (m_.tables[dst].elem != m_.tables[src].elem) type_error("type mismatch: table.copy element types");
      pop(ValType::I32);
      pop(ValType::I32);
      pop(ValType::I32);
      if (live) c_.on_table_copy(dst, src);
      return;
    }
    case 15: {  // table.grow
      uint32_t t = r.u32();
      require_table(t);
      pop(ValType::I32);
      pop(m_.tables[t].elem);
      push(ValType::I32);
      if (live) c_.on_table_grow(t);
      return;
    }
    case 16: {  // table.size
      uint32_t t = r.u32();
      require_table(t);
      push(ValType::I32);
      if (live) c_.on_table_size(t);
      return;
    }
    case 17: {  // table.fill
      uint32_t t = r.u32();
      require_table(t);
      pop(ValType::I32);
      pop(m_.tables[t].elem);
      pop(ValType::I32);
      if (live) c_.on_table_fill(t);
      return;
    }
    default: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "illegal opcode 0xfc 0x%x", sub);
      throw_malformed(op_offset_, buf);
    }
  }
}

}  // namespace detwasm::internal
