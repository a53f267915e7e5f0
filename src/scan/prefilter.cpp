#include "scan/prefilter.h"

#ifdef RG_HAVE_HYPERSCAN
#include <hs/hs.h>
#endif

namespace rg::scan {

struct Prefilter::Hs {
#ifdef RG_HAVE_HYPERSCAN
  hs_database_t* db = nullptr;
  hs_scratch_t* proto = nullptr;
  ~Hs() {
    if (proto) hs_free_scratch(proto);
    if (db) hs_free_database(db);
  }
#endif
};

Prefilter::~Prefilter() = default;

Prefilter::Scratch::~Scratch() {
#ifdef RG_HAVE_HYPERSCAN
  if (hs_scratch_) hs_free_scratch(static_cast<hs_scratch_t*>(hs_scratch_));
#endif
}

std::shared_ptr<const Prefilter> Prefilter::pass_all() {
  std::shared_ptr<Prefilter> p(new Prefilter());
  p->all_ = true;
  return p;
}

Result<std::shared_ptr<const Prefilter>> Prefilter::compile(const std::optional<sigma::Literals>& literals) {
  if (!literals) return pass_all();
  for (const sigma::Literal& l : *literals)
    if (l.is_plain() && l.text.empty()) return pass_all();
  std::shared_ptr<Prefilter> p(new Prefilter());
  sigma::Literals lits = *literals;
  if (!lits.empty()) lits.push_back(sigma::Literal::plain("\\u"));  // an escape can hide any literal
  p->matcher_ = std::make_unique<sigma::LiteralMatcher>(lits);
#ifdef RG_HAVE_HYPERSCAN
  const std::vector<std::string>& plain = p->matcher_->plain();
  if (plain.empty()) return std::shared_ptr<const Prefilter>(p);
  std::vector<const char*> exprs;
  std::vector<std::size_t> lens;
  std::vector<unsigned> flags, ids;
  for (std::size_t i = 0; i < plain.size(); ++i) {
    exprs.push_back(plain[i].data());
    lens.push_back(plain[i].size());
    flags.push_back(HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH);
    ids.push_back(static_cast<unsigned>(i));
  }
  auto hs = std::make_unique<Hs>();
  hs_compile_error_t* cerr = nullptr;
  if (hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(), static_cast<unsigned>(exprs.size()),
                           HS_MODE_BLOCK, nullptr, &hs->db, &cerr) != HS_SUCCESS) {
    std::string what = cerr && cerr->message ? cerr->message : "unknown error";
    if (cerr) hs_free_compile_error(cerr);
    return make_error(ErrorKind::Unsupported, "prefilter", "cannot compile literals: " + what);
  }
  if (hs_alloc_scratch(hs->db, &hs->proto) != HS_SUCCESS)
    return make_error(ErrorKind::Io, "prefilter", "cannot allocate matcher scratch space");
  p->hs_ = std::move(hs);
#endif
  return std::shared_ptr<const Prefilter>(p);
}

std::unique_ptr<Prefilter::Scratch> Prefilter::make_scratch() const {
  std::unique_ptr<Scratch> s(new Scratch());
#ifdef RG_HAVE_HYPERSCAN
  if (hs_) {
    hs_scratch_t* c = nullptr;
    if (hs_clone_scratch(hs_->proto, &c) == HS_SUCCESS) s->hs_scratch_ = c;
  }
#endif
  return s;
}

#ifdef RG_HAVE_HYPERSCAN
namespace {
int on_match(unsigned, unsigned long long, unsigned long long, unsigned, void*) { return 1; }  // stop at the first
}  // namespace
#endif

KeyProbe Prefilter::probe() const { return all_ ? KeyProbe{} : matcher_->probe(); }

bool Prefilter::maybe(std::string_view bytes, Scratch& scratch) const {
  if (all_) return true;
  return matcher_->quick_pass(bytes) || plain_maybe(bytes, scratch);
}

bool Prefilter::maybe(std::string_view bytes, Scratch& scratch, std::uint64_t offset,
                      std::span<const ProbeHit> hits) const {
  if (all_) return true;
  return matcher_->quick_pass_probed(bytes, offset, hits) || plain_maybe(bytes, scratch);
}

bool Prefilter::plain_maybe(std::string_view bytes, Scratch& scratch) const {
  const sigma::LiteralMatcher& m = *matcher_;
  if (m.plain().empty()) return false;
#ifdef RG_HAVE_HYPERSCAN
  if (hs_ && scratch.hs_scratch_ && bytes.size() <= 0xffffffffu) {
    hs_error_t e = hs_scan(hs_->db, bytes.data(), static_cast<unsigned>(bytes.size()), 0,
                           static_cast<hs_scratch_t*>(scratch.hs_scratch_), on_match, nullptr);
    if (e == HS_SCAN_TERMINATED) return true;
    if (e == HS_SUCCESS) return false;
    return true;  // the matcher failed: let the record through
  }
#else
  (void)scratch;
#endif
  return m.plain_pass(bytes);
}

bool Prefilter::maybe_scalar(std::string_view bytes) const { return all_ || matcher_->passes(bytes); }

}  // namespace rg::scan
