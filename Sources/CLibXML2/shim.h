#ifndef GOVRULES_CLIBXML2_SHIM_H
#define GOVRULES_CLIBXML2_SHIM_H
// Debian builds libxml2 with ICU, so libxml/encoding.h would pull in the system's
// <unicode/*.h>. Foundation carries its own, newer ICU headers as the clang module
// _FoundationICU, and the two definitions of UErrorCode clash when both modules are built
// ("'UErrorCode' has different definitions in different modules"), depending on build order.
// Nothing here touches the ICU converter fields (only pointers to the encoding handler are
// passed around), so the ICU part of libxml2's headers is left out.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#endif
