#ifndef GOVRULES_CLIBXML2_SHIM_H
#define GOVRULES_CLIBXML2_SHIM_H
#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#endif
