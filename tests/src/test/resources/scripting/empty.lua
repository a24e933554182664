-- no hooks at all
local x = 1
