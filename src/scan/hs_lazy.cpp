// The Hyperscan functions the prefilter calls (rules with keyword searches), each forwarding
// to Hyperscan's own, loaded on the first call (core/dynlib.h says why).
#ifdef RG_HAVE_HYPERSCAN
#include <hs/hs.h>

#include "core/dynlib.h"

#define RG_HS_FN(name, params, args) \
  RG_DYNLIB_FORWARD("libhs.so.5", "keyword search", hs_error_t, name, params, args)

extern "C" {

RG_HS_FN(hs_compile_lit_multi,
         (const char* const* expressions, const unsigned* flags, const unsigned* ids, const size_t* lens,
          unsigned elements, unsigned mode, const hs_platform_info_t* platform, hs_database_t** db,
          hs_compile_error_t** error),
         (expressions, flags, ids, lens, elements, mode, platform, db, error))
RG_HS_FN(hs_free_compile_error, (hs_compile_error_t * error), (error))
RG_HS_FN(hs_free_database, (hs_database_t * db), (db))
RG_HS_FN(hs_alloc_scratch, (const hs_database_t* db, hs_scratch_t** scratch), (db, scratch))
RG_HS_FN(hs_clone_scratch, (const hs_scratch_t* src, hs_scratch_t** dest), (src, dest))
RG_HS_FN(hs_free_scratch, (hs_scratch_t * scratch), (scratch))
RG_HS_FN(hs_scan,
         (const hs_database_t* db, const char* data, unsigned int length, unsigned int flags, hs_scratch_t* scratch,
          match_event_handler on_event, void* context),
         (db, data, length, flags, scratch, on_event, context))

}  // extern "C"
#endif
