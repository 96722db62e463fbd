/* IDX file reader (gzip-compressed via zlib): see idx.c. */
#ifndef SG_CLI_IDX_H
#define SG_CLI_IDX_H
#endif
