module coroscope.test/gohot

go 1.19
