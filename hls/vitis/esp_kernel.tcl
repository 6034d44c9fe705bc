# Vitis HLS script for the HLS ESP kernel (hls/esp_kernel.cpp, top esp_kernel).
# Run through the Makefile beside it (`make xo`), which generates the regmap
# header first; or by hand: vitis_hls -f esp_kernel.tcl -tclargs <part> <clock_ns> <gen_dir>
# Steps: C synthesis at the given clock, then export as a Vitis kernel object (.xo).
set part   [lindex $argv 0]
set clock  [lindex $argv 1]
set gendir [lindex $argv 2]
if {$part eq ""}   { set part xcu250-figd2104-2L-e }
if {$clock eq ""}  { set clock 3.33 }
if {$gendir eq ""} { set gendir ./generated }

set root [file normalize [file join [file dirname [info script]] .. ..]]
set cflags "-std=c++17 -I$root -I$gendir"
set sources {aes.cpp ghash.cpp sha256.cpp sha1.cpp esp_transform.cpp spi_index.cpp sa_table.cpp replay.cpp
             esp_outbound.cpp esp_inbound.cpp desc_ring.cpp control.cpp esp_kernel.cpp}

open_project -reset esp_kernel_prj
set_top esp_kernel
foreach f $sources { add_files [file join $root hls $f] -cflags $cflags }
open_solution -reset -flow_target vitis solution1
set_part $part
create_clock -period $clock -name default
config_interface -m_axi_addr64
csynth_design
export_design -format xo -output [file normalize esp_kernel.xo]
exit
