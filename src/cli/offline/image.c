/* tl image: the test image's commands. (Branch nvram has only predict; tl image build lives
 * on branch image: merge the tables.) */
#include "cli.h"

int tl_cmd_image(int argc, char **argv)
{
	static const struct tl_cmd cmds[] = {
		{ "predict", tl_image_predict, "its reference values, before a VM boots it" },
		{ NULL, NULL, NULL },
	};
	return tl_cli_dispatch("tl image", cmds, argc - 1, argv + 1);
}
