/* gradcheck engine: to be written. */
#ifndef SG_GRADCHECK_H
#define SG_GRADCHECK_H
#endif
