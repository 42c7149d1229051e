namespace ConnActors.Policy;
